import { expect, test } from "@playwright/test";
import { Console } from "./pages/console";
import { SignInPage } from "./pages/sign-in-page";
import { UsersPage } from "./pages/users-page";
import { DEMO, uniqueEmail } from "./support/users";

test("an admin creates a user; deactivating them signs them out at their next request", async ({ browser }) => {
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await new SignInPage(admin).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const users = new UsersPage(admin);
  await users.goto();
  const person = { name: "Temp Designer", email: uniqueEmail("temp"), role: "designer", password: "temporary passphrase" };
  await users.createUser(person);

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
  await adminCtx.close();
  await designerCtx.close();
});

test("a role change applies at once: the old session ends, the new role's areas show", async ({ browser }) => {
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await new SignInPage(admin).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const users = new UsersPage(admin);
  await users.goto();
  const person = { name: "Role Changer", email: uniqueEmail("role"), role: "designer", password: "temporary passphrase" };
  await users.createUser(person);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await new SignInPage(page).signInAndWait(person.email, person.password, person.name);
  expect(await new Console(page).navLabels()).toEqual(["Home", "Uploads"]);

  await users.changeRole(person.email, "finance");
  await page.goto("/uploads");
  await expect(page).toHaveURL(/\/sign-in/);
  await new SignInPage(page).signInAndWait(person.email, person.password, person.name);
  expect(await new Console(page).navLabels()).toEqual(["Home"]);
  expect((await page.goto("/uploads"))?.status()).toBe(403);
  await adminCtx.close();
  await ctx.close();
});
