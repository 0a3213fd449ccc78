import { expect, test, type Browser, type Page } from "@playwright/test";
import "./support/codepad-window.ts";
import { CodepadServer } from "./support/server.ts";

let server: CodepadServer;

test.beforeAll(async () => {
  server = await CodepadServer.start();
});
test.afterAll(async () => {
  await server.dispose();
});

/** The shared text as the page's Y.Doc holds it (Monaco renders only visible lines). */
const sharedText = (page: Page) =>
  page.evaluate(() => window.__codepad?.doc.getText("code").toJSON() ?? null);

/**
 * A browser whose stored identity has the given color. The two people of a test get the same
 * one on purpose: each must still show up in a color of their own on the pad.
 */
async function newPersonContext(browser: Browser, name: string, color = "#e5484d") {
  const context = await browser.newContext();
  await context.addInitScript(
    ([identity]) => {
      if (!localStorage.getItem("codepad:identity"))
        localStorage.setItem("codepad:identity", JSON.stringify(identity));
    },
    [{ id: crypto.randomUUID(), name, color }],
  );
  return context;
}

async function openEditor(browser: Browser, url: string, name = "Bob Test") {
  const context = await newPersonContext(browser, name);
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-status", "connected");
  await expect(page.locator(".monaco-editor .view-lines")).toBeVisible();
  return { context, page };
}

async function createPadFromHome(page: Page, title: string, language: string): Promise<string> {
  await page.goto(server.url);
  await page.getByTestId("new-pad-title").fill(title);
  await page.getByTestId("new-pad-language").selectOption(language);
  await page.getByTestId("create-pad").click();
  await page.waitForURL(/\/[A-Za-z0-9_-]{12}$/);
  return new URL(page.url()).pathname.slice(1);
}

/** Puts the caret at the end of the document and types there. */
async function typeAtEnd(page: Page, text: string) {
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text, { delay: 15 });
}

test("two people co-edit one pad, see each other's cursors, and a language change", async ({
  browser,
}, testInfo) => {
  const aliceContext = await newPersonContext(browser, "Alice Test");
  const alice = { context: aliceContext, page: await aliceContext.newPage() };
  const padId = await createPadFromHome(alice.page, "Pair session", "python");
  await expect(alice.page.locator(".monaco-editor .view-lines")).toBeVisible();
  await expect(alice.page.getByTestId("connection-status")).toHaveAttribute(
    "data-status",
    "connected",
  );
  await expect(alice.page.getByTestId("pad-title")).toHaveValue("Pair session");
  await expect(alice.page.getByTestId("language-select")).toHaveValue("python");

  const bob = await openEditor(browser, `${server.url}/${padId}`);
  await expect(bob.page.getByTestId("online-user")).toHaveCount(2);
  await expect(alice.page.getByTestId("online-user")).toHaveCount(2);

  // Both type at the same moment, in different places of the file.
  await alice.page.locator(".monaco-editor .view-lines").click();
  await alice.page.keyboard.type("# alice\n", { delay: 5 });
  await Promise.all([
    typeAtEnd(alice.page, "a = 1\nprint(a)\n"),
    (async () => {
      await bob.page.locator(".monaco-editor .view-lines").click();
      await bob.page.keyboard.press("Control+Home");
      await bob.page.keyboard.type("# bob was here\n", { delay: 15 });
    })(),
  ]);
  await expect
    .poll(async () => (await sharedText(alice.page)) === (await sharedText(bob.page)))
    .toBe(true);
  const text = (await sharedText(alice.page)) ?? "";
  for (const line of ["# alice", "a = 1", "print(a)", "# bob was here"])
    expect(text).toContain(line);
  expect(text.length).toBe(
    "# alice\n".length + "a = 1\nprint(a)\n".length + "# bob was here\n".length,
  );

  // Both browsers prefer the same color: the one that joined second moves to another.
  const publishedColors = () =>
    Promise.all(
      [alice.page, bob.page].map((page) =>
        page.evaluate(
          () =>
            (window.__codepad?.provider.awareness.getLocalState() as { user: { color: string } })
              .user.color,
        ),
      ),
    );
  await expect.poll(async () => new Set(await publishedColors()).size).toBe(2);
  expect(await publishedColors()).toContain("#e5484d");

  // Each sees the other's caret in the other's color, with the other's name on it.
  const users = await Promise.all(
    [alice.page, bob.page].map((page) =>
      page.evaluate(() => {
        const handles = window.__codepad;
        const state = handles?.provider.awareness.getLocalState() as {
          user: { name: string; color: string };
        };
        return { clientId: handles?.doc.clientID ?? 0, ...state.user };
      }),
    ),
  );
  const [aliceUser, bobUser] = users as [(typeof users)[0], (typeof users)[0]];
  expect(aliceUser.color).not.toBe(bobUser.color);
  for (const [viewer, other] of [
    [alice.page, bobUser],
    [bob.page, aliceUser],
  ] as const) {
    const head = viewer.locator(`.yRemoteSelectionHead-${other.clientId}`);
    await expect(head).toBeVisible();
    const [borderColor, label] = await head.evaluate((element) => [
      getComputedStyle(element).borderLeftColor,
      getComputedStyle(element, "::after").content,
    ]);
    const hex = other.color.replace("#", "");
    const rgb = `rgb(${[0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
    expect(borderColor).toBe(rgb);
    expect(label).toContain(other.name);
    await expect(viewer.getByTestId("online-user").filter({ hasText: other.name })).toHaveAttribute(
      "data-color",
      other.color,
    );
  }
  await alice.page.screenshot({ path: testInfo.outputPath("alice-co-editing.png") });
  await bob.page.screenshot({ path: testInfo.outputPath("bob-co-editing.png") });

  // Language and title changes apply for everyone at once.
  await alice.page.getByTestId("language-select").selectOption("rust");
  await expect(bob.page.getByTestId("language-select")).toHaveValue("rust");
  await expect
    .poll(() => bob.page.evaluate(() => window.__codepad?.editor.getModel()?.getLanguageId()))
    .toBe("rust");
  const title = alice.page.getByTestId("pad-title");
  await title.fill("Renamed together");
  await title.press("Enter");
  await expect(bob.page.getByTestId("pad-title")).toHaveValue("Renamed together");
  const api = (await (await fetch(`${server.url}/api/sessions/${padId}`)).json()) as {
    session: { language: string; title: string; code: string };
  };
  expect(api.session).toMatchObject({ language: "rust", title: "Renamed together", code: text });

  await alice.context.close();
  await bob.context.close();
});

test("a pad survives a server restart and a crash; open editors reconnect without duplicating text", async ({
  browser,
}, testInfo) => {
  const response = await fetch(`${server.url}/api/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ title: "Durable", language: "javascript", code: "// start\n" }),
  });
  const { session } = (await response.json()) as { session: { sessionId: string } };
  const editor = await openEditor(browser, `${server.url}/${session.sessionId}`);
  await typeAtEnd(editor.page, "const kept = true;\n");
  const expected = "// start\nconst kept = true;\n";
  await expect.poll(() => sharedText(editor.page)).toBe(expected);
  // The server has it once the REST API shows it.
  await expect
    .poll(
      async () =>
        (
          (await (await fetch(`${server.url}/api/sessions/${session.sessionId}`)).json()) as {
            session: { code: string };
          }
        ).session.code,
    )
    .toBe(expected);

  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    await server.stop(signal);
    await expect(editor.page.getByTestId("connection-status")).not.toHaveAttribute(
      "data-status",
      "connected",
    );
    await server.restart();
    await expect(editor.page.getByTestId("connection-status")).toHaveAttribute(
      "data-status",
      "connected",
      {
        timeout: 30_000,
      },
    );
    expect(await sharedText(editor.page)).toBe(expected);
  }
  await editor.page.screenshot({ path: testInfo.outputPath("after-restart.png") });

  // A fresh page load gets the text from the restarted server, exactly once.
  const reopened = await openEditor(browser, `${server.url}/${session.sessionId}`);
  await expect.poll(() => sharedText(reopened.page)).toBe(expected);
  await expect(reopened.page.locator(".monaco-editor .view-lines")).toContainText(
    "const kept = true;",
  );
  await reopened.page.screenshot({ path: testInfo.outputPath("reopened.png") });
  await editor.context.close();
  await reopened.context.close();
});

test("a pad whose document left memory while both stayed wakes for the next key", async ({
  browser,
}, testInfo) => {
  // A server that lets go of a document after 1 s without edits or joins.
  const sleepy = await CodepadServer.start({ IDLE_DOC_TIMEOUT: "1" });
  try {
    const response = await fetch(`${sleepy.url}/api/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Sleepy", language: "javascript", code: "// start\n" }),
    });
    const { session } = (await response.json()) as { session: { sessionId: string } };
    const url = `${sleepy.url}/${session.sessionId}`;
    const alice = await openEditor(browser, url, "Alice Test");
    const bob = await openEditor(browser, url, "Bob Test");
    await typeAtEnd(alice.page, "const a = 1;\n");
    await expect.poll(() => sharedText(bob.page)).toBe("// start\nconst a = 1;\n");

    const sleepingRooms = async () =>
      ((await (await fetch(`${sleepy.url}/api/health`)).json()) as { sleepingRooms: number })
        .sleepingRooms;
    await expect.poll(sleepingRooms, { timeout: 20_000 }).toBe(1);
    // Presence does not need the document: both still see each other, connected.
    for (const page of [alice.page, bob.page]) {
      await expect(page.getByTestId("connection-status")).toHaveAttribute(
        "data-status",
        "connected",
      );
      await expect(page.getByTestId("online-user")).toHaveCount(2);
    }

    await typeAtEnd(bob.page, "const b = 2;\n");
    const expected = "// start\nconst a = 1;\nconst b = 2;\n";
    await expect.poll(() => sharedText(alice.page)).toBe(expected);
    await expect(alice.page.locator(".monaco-editor .view-lines")).toContainText("const b = 2;");
    await alice.page.screenshot({ path: testInfo.outputPath("after-waking.png") });

    // Asleep again, a page load gets all of it, once.
    await expect.poll(sleepingRooms, { timeout: 20_000 }).toBe(1);
    await bob.page.reload();
    await expect.poll(() => sharedText(bob.page)).toBe(expected);
    await alice.context.close();
    await bob.context.close();
  } finally {
    await sleepy.dispose();
  }
});

test("unknown and deleted pads say so", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/abcdefghijkl`);
  await expect(page.getByTestId("pad-error")).toHaveAttribute("data-reason", "not_found");

  const response = await fetch(`${server.url}/api/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  const { session } = (await response.json()) as {
    session: { sessionId: string; ownerKey: string };
  };
  await page.goto(`${server.url}/${session.sessionId}`);
  await expect(page.getByTestId("connection-status")).toHaveAttribute("data-status", "connected");
  await fetch(`${server.url}/api/sessions/${session.sessionId}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${session.ownerKey}` },
  });
  await expect(page.getByTestId("pad-error")).toHaveAttribute("data-reason", "expired");
  await context.close();
});
