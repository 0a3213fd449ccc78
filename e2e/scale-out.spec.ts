import { expect, test, type Browser } from "@playwright/test";
import postgres from "postgres";
import { startRedis, type TestRedis } from "../server/test/support/redis-server.ts";
import "./support/codepad-window.ts";
import { CodepadServer } from "./support/server.ts";

/**
 * Two instances behind one PostgreSQL database and one Redis (REDIS_URL), a person on each.
 * Like the server's scale-out tests, this runs where PostgreSQL does: with TEST_DATABASE_URL
 * (CI sets it); embedded PGlite belongs to one process.
 */
const baseUrl = process.env["TEST_DATABASE_URL"];
if (baseUrl !== undefined) {
  let redis: TestRedis;
  let databaseName: string;
  let first: CodepadServer;
  let second: CodepadServer;

  test.beforeAll(async () => {
    redis = await startRedis();
    databaseName = `codepad_e2e_${Date.now().toString(36)}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${databaseName}`);
    await admin.end();
    const url = new URL(baseUrl);
    url.pathname = `/${databaseName}`;
    const env = { DATABASE_URL: url.toString(), DB_POOL_SIZE: "4", REDIS_URL: redis.url };
    first = await CodepadServer.start(env);
    second = await CodepadServer.start(env);
  });
  test.afterAll(async () => {
    await first.dispose();
    await second.dispose();
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
    await admin.end();
    await redis.stop();
  });

  async function openPad(browser: Browser, url: string, name: string) {
    const context = await browser.newContext();
    await context.addInitScript(
      ([identity]) => localStorage.setItem("codepad:identity", JSON.stringify(identity)),
      [{ id: crypto.randomUUID(), name, color: "#e5484d" }],
    );
    const page = await context.newPage();
    await page.goto(url);
    await expect(page.getByTestId("connection-status")).toHaveAttribute("data-status", "connected");
    await expect(page.locator(".monaco-editor .view-lines")).toBeVisible();
    return { context, page };
  }

  test("two people on two instances co-edit one pad and see each other", async ({
    browser,
  }, testInfo) => {
    const created = await fetch(`${first.url}/api/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Across instances", code: "shared\n" }),
    });
    const { session } = (await created.json()) as { session: { sessionId: string } };
    const alice = await openPad(browser, `${first.url}/${session.sessionId}`, "Alice Test");
    const bob = await openPad(browser, `${second.url}/${session.sessionId}`, "Bob Test");
    for (const { page } of [alice, bob]) {
      await expect(page.getByTestId("online-user")).toHaveCount(2);
    }

    await alice.page.locator(".monaco-editor .view-lines").click();
    await alice.page.keyboard.press("Control+End");
    await alice.page.keyboard.type("// alice was here\n", { delay: 15 });
    await bob.page.locator(".monaco-editor .view-lines").click();
    await bob.page.keyboard.press("Control+Home");
    await bob.page.keyboard.type("// bob was here\n", { delay: 15 });
    const sharedText = (page: typeof alice.page) =>
      page.evaluate(() => window.__codepad?.doc.getText("code").toJSON() ?? null);
    const expected = "// bob was here\nshared\n// alice was here\n";
    await expect.poll(() => sharedText(alice.page)).toBe(expected);
    await expect.poll(() => sharedText(bob.page)).toBe(expected);

    // Each sees the other's caret, under the other's name.
    const bobId = await bob.page.evaluate(() => window.__codepad?.doc.clientID ?? 0);
    const aliceId = await alice.page.evaluate(() => window.__codepad?.doc.clientID ?? 0);
    await expect(alice.page.locator(`.yRemoteSelectionHead-${bobId}`)).toBeVisible();
    await expect(bob.page.locator(`.yRemoteSelectionHead-${aliceId}`)).toBeVisible();
    await expect(alice.page.getByTestId("online-user").filter({ hasText: "Bob Test" })).toHaveCount(
      1,
    );

    // A rename on one instance reaches the editor on the other.
    await bob.page.getByTestId("pad-title").fill("Renamed on the second instance");
    await bob.page.getByTestId("pad-title").press("Enter");
    await expect(alice.page.getByTestId("pad-title")).toHaveValue("Renamed on the second instance");
    await alice.page.screenshot({ path: testInfo.outputPath("alice-first-instance.png") });
    await bob.page.screenshot({ path: testInfo.outputPath("bob-second-instance.png") });

    // Bob leaves: his presence leaves Alice's screen, though he was never on her instance.
    await bob.context.close();
    await expect(alice.page.getByTestId("online-user")).toHaveCount(1);
    await alice.context.close();
  });
}
