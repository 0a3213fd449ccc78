import { defineConfig } from "@playwright/test";

/**
 * Browser tests drive Debian's Chromium (apt-get install chromium); Playwright never
 * downloads a browser here. Each spec starts its own real server (e2e/support/server.ts).
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  // Two cores: one browser at a time keeps timings sane.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    // Screenshots of every test are kept as artifacts in test-results/.
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    },
  },
});
