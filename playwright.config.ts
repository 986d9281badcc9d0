import { defineConfig } from "@playwright/test";
import { POSTGRES_PASS_SKIPS_REPEATS } from "./test/ci-pass";

/**
 * Two production servers: "demo" (KILN_DEMO=1, one user per role) for most journeys and "fresh"
 * (no users) for the first-run flow. Each gets its own empty data folder or Postgres database.
 */
// KILN_E2E_PORT lets two checkouts run their journeys side by side (demo = base, fresh = base + 1,
// restart = base + 2, scale-out = base + 3 and + 4; each server's runner, simulator and workers sit at +5000, +5100 and +5200).
const BASE_PORT = Number(process.env.KILN_E2E_PORT ?? 3100);
const DEMO_PORT = BASE_PORT;
const FRESH_PORT = BASE_PORT + 1;

// In CI's PostgreSQL pass (test/ci-pass.ts) two kinds of journeys are left out, because the same
// markup and code ran in the PGlite pass and what they write is unit-tested on both databases:
//  - those whose subject is the browser: layout and accessibility, security headers, access
//    refusals, sign-out, the API reference and token forms, the placements form, the editor's canvas;
//  - those whose database work is plain reads and writes: library search and paging, collections,
//    share links, downloads, alt text, exports.
// The journeys that depend on concurrency and locking (generation, checks, review, budgets,
// operations, restart, scale-out) and the console's pages (console-pages) run on both.
const BROWSER_ONLY = ["look", "access", "csrf", "sign-out", "developers", "placements", "editor"];
const SAME_ON_BOTH = ["library", "collections", "share-links", "downloads", "alt-text", "delivery"];
const skipOnPostgres = POSTGRES_PASS_SKIPS_REPEATS
  ? [new RegExp(`(^|/)(${[...BROWSER_ONLY, ...SAME_ON_BOTH].join("|")})\\.spec\\.ts$`)]
  : [];

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "fresh", testMatch: /first-run\.spec\.ts/, use: { baseURL: `http://localhost:${FRESH_PORT}` } },
    {
      name: "demo",
      testIgnore: [/(first-run|restart|scale-out)\.spec\.ts/, ...skipOnPostgres],
      use: { baseURL: `http://localhost:${DEMO_PORT}` },
    },
    // Starts, kills and restarts its own server.
    { name: "restart", testMatch: /restart\.spec\.ts/ },
    // Starts two web and two worker processes on PostgreSQL and kills a worker (skipped on PGlite).
    { name: "scale-out", testMatch: /scale-out\.spec\.ts/ },
  ],
  webServer: [
    {
      command: `npx tsx e2e/support/serve.ts demo ${DEMO_PORT}`,
      url: `http://localhost:${DEMO_PORT}/sign-in`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `npx tsx e2e/support/serve.ts fresh ${FRESH_PORT}`,
      url: `http://localhost:${FRESH_PORT}/setup`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
    },
  ],
});
