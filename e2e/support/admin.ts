import type { Browser } from "@playwright/test";
import { SignInPage } from "../pages/sign-in-page";
import { UsersPage } from "../pages/users-page";
import { DEMO, uniqueEmail } from "./users";

export type CreatedUser = { name: string; email: string; role: string; password: string };

/**
 * Signs the demo admin in on a separate browser context and creates a user through the Users page.
 * Returns the user and the admin's page object, kept open for follow-up actions (close() when done).
 */
export async function createUserAsAdmin(
  browser: Browser,
  user: { name: string; role: string; prefix: string; password?: string },
) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const users = new UsersPage(page);
  await users.goto();
  const created: CreatedUser = {
    name: user.name,
    email: uniqueEmail(user.prefix),
    role: user.role,
    password: user.password ?? "temporary passphrase",
  };
  await users.createUser(created);
  return { user: created, users, close: () => context.close() };
}
