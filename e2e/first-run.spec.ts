import { expect, test } from "./support/test";

test("first run: the newcomer creates the admin account and lands in user management", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to Kiln" })).toBeVisible();

  // Bad input: a short password and a mismatch are refused with field errors, nothing created.
  await page.getByLabel("Your name").fill("Alex Admin");
  await page.getByLabel("Email").fill("alex@example.com");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat the password").fill("short");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByText("Passwords need at least 12 characters.").first()).toBeVisible();
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByLabel("Password", { exact: true }).fill("a long enough passphrase");
  await page.getByLabel("Repeat the password").fill("a long enough passphrase");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page).toHaveURL(/\/admin\/users/);
  await expect(page.getByTestId("current-user")).toHaveText("Alex Admin");
  await expect(page.getByText("Kiln is set up and you are its admin")).toBeVisible();

  // First run is over: the setup page now sends people to sign in, even signed out.
  await page.context().clearCookies();
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/sign-in$/);
});
