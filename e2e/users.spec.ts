import { expect, test } from "./support/test";
import { Console } from "./pages/console";
import { SignInPage } from "./pages/sign-in-page";
import { createUserAsAdmin } from "./support/admin";

test("an admin creates a user; deactivating them signs them out at their next request", async ({ browser }) => {
  const {
    user: person,
    users,
    close,
  } = await createUserAsAdmin(browser, { name: "Temp Designer", role: "designer", prefix: "temp" });

  const designerCtx = await browser.newContext();
  const designer = await designerCtx.newPage();
  await new SignInPage(designer).signInAndWait(person.email, person.password, person.name);
  await designer.goto("/uploads");
  await expect(designer.getByRole("heading", { name: "Uploads" })).toBeVisible();

  await users.deactivate(person.email);

  await designer.goto("/uploads");
  await expect(designer).toHaveURL(/\/sign-in/);
  expect((await designer.request.get("/api/uploads")).status()).toBe(401);

  // And they cannot sign back in.
  await new SignInPage(designer).signIn(person.email, person.password);
  await expect(new SignInPage(designer).error()).toHaveText("That email and password do not match an active account.");
  await close();
  await designerCtx.close();
});

test("a role change applies at once: the old session ends, the new role's areas show", async ({
  browser,
  consoleWatch,
}) => {
  consoleWatch.allow(
    /status of 403 \(Forbidden\) — http:\/\/[^/]+\/uploads:/,
    "the deliberate visit to Uploads after the role change",
  );
  const {
    user: person,
    users,
    close,
  } = await createUserAsAdmin(browser, { name: "Role Changer", role: "designer", prefix: "role" });

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await new SignInPage(page).signInAndWait(person.email, person.password, person.name);
  expect(await new Console(page).navLabels()).toEqual([
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
  ]);

  await users.changeRole(person.email, "finance");
  await page.goto("/uploads");
  await expect(page).toHaveURL(/\/sign-in/);
  await new SignInPage(page).signInAndWait(person.email, person.password, person.name);
  expect(await new Console(page).navLabels()).toEqual(["Home", "Costs", "Budgets", "Developers"]);
  expect((await page.goto("/uploads"))?.status()).toBe(403);
  await close();
  await ctx.close();
});
