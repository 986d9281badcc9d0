import { rmSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import postgres from "postgres";
import { SignInPage } from "./pages/sign-in-page";
import { UsersPage } from "./pages/users-page";
import { killHard, startApp, waitUntilUp } from "./support/app-process";
import { DEMO, uniqueEmail } from "./support/users";

/**
 * The one-process decision (docs/decisions/0001) under a crash: SIGKILL the server, start it
 * again on the same data, and everything written before the kill is there.
 */
const PORT = Number(process.env.KILN_E2E_PORT ?? 3100) + 2;
const base = `http://localhost:${PORT}`;

test("after a SIGKILL and a restart, users and the audit chain are intact", async ({ page, consoleWatch }) => {
  // What this tests most is the embedded database's files surviving a SIGKILL. On PostgreSQL the crash
  // journey is scale-out.spec (a worker killed mid-batch); skipping this one there keeps CI under the hour.
  test.skip(Boolean(process.env.DATABASE_URL), "PostgreSQL's crash journey is scale-out.spec");
  test.setTimeout(150_000);
  // The open page's link prefetches (?_rsc=) fail while the server is deliberately killed and restarted.
  consoleWatch.allow(
    /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|EMPTY_RESPONSE|INCOMPLETE_CHUNKED_ENCODING) — http:\/\/localhost:\d+\/[^ ]*\?_rsc=/,
    "prefetches cut off by the SIGKILL",
  );
  const dataDir = path.join(process.cwd(), ".data", "e2e-restart");
  rmSync(dataDir, { recursive: true, force: true });
  const env: Record<string, string> = { KILN_DATA_DIR: dataDir, KILN_DEMO: "1", KILN_RUNNER_PORT: String(PORT + 5000) };
  if (process.env.DATABASE_URL) {
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS kiln_e2e_restart_${PORT} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE kiln_e2e_restart_${PORT}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/kiln_e2e_restart_${PORT}`;
    env.DATABASE_URL = url.toString();
  }

  let app = startApp(PORT, env);
  try {
    await waitUntilUp(`${base}/sign-in`);
    await page.goto(`${base}/sign-in`);
    await new SignInPage(page).signIn(DEMO.admin.email, DEMO.admin.password);
    await expect(page.getByTestId("current-user")).toHaveText(DEMO.admin.name);
    const users = new UsersPage(page);
    await page.goto(`${base}/admin/users`);
    const person = { name: "Survivor", email: uniqueEmail("survivor"), role: "reviewer", password: "survives a crash" };
    await users.createUser(person);

    await killHard(app);
    app = startApp(PORT, env);
    await waitUntilUp(`${base}/sign-in`);

    await page.context().clearCookies();
    await page.goto(`${base}/sign-in`);
    await new SignInPage(page).signIn(person.email, person.password);
    await expect(page.getByTestId("current-user")).toHaveText(person.name);
    await page.context().clearCookies();
    await page.goto(`${base}/sign-in`);
    await new SignInPage(page).signIn(DEMO.admin.email, DEMO.admin.password);
    await page.goto(`${base}/admin/audit`);
    await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
    await expect(page.getByText("user.created", { exact: true })).toBeVisible();
  } finally {
    await killHard(app);
  }
});
