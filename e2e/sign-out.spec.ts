import type { Browser, Cookie } from "@playwright/test";
import { expect, test } from "./support/test";
import { Console } from "./pages/console";
import { SignInPage } from "./pages/sign-in-page";
import { createUserAsAdmin, type CreatedUser } from "./support/admin";

async function signedInContext(browser: Browser, person: CreatedUser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new SignInPage(page).signInAndWait(person.email, person.password, person.name);
  return { context, page };
}

/** A fresh browser that has only the given cookies, as someone who copied them would. */
async function contextWith(browser: Browser, cookies: Cookie[]) {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  return { context, page: await context.newPage() };
}

// Ending a session under an open page is the point of these tests: that page's thumbnails and
// polling then get 401, which the browser logs.
const ENDED_SESSION_401 = /status of 401 \(Unauthorized\) — http:\/\/localhost:\d+\/api\//;

test("sign-out ends the session on the server: a copied cookie goes to sign-in and the API refuses it", async ({
  browser,
  consoleWatch,
}) => {
  consoleWatch.allow(ENDED_SESSION_401, "the copied cookie's open page after its owner signed out");
  const { user: person, close } = await createUserAsAdmin(browser, {
    name: "Cookie Copier",
    role: "designer",
    prefix: "copier",
  });
  await close();
  const { context, page } = await signedInContext(browser, person);
  const copied = await context.cookies();
  expect(copied.some((c) => c.name.endsWith("authjs.session-token"))).toBe(true);

  // The copy works while the session is open...
  const thief = await contextWith(browser, copied);
  await thief.page.goto("/uploads");
  await expect(thief.page.getByTestId("current-user")).toHaveText(person.name);

  // ...and not after its owner signs out. Signing out loads the sign-in page in full, so nothing the
  // page held for this user (its query cache, this marker) is left in the tab for whoever signs in next.
  await page.evaluate(() => Object.assign(window, { kilnBeforeSignOut: true }));
  await new Console(page).signOut();
  expect(await page.evaluate(() => "kilnBeforeSignOut" in window)).toBe(false);
  await thief.page.goto("/uploads");
  await expect(thief.page).toHaveURL(/\/sign-in/);
  expect((await thief.page.request.get("/api/uploads")).status()).toBe(401);

  // Signing in again opens a new session that works.
  await new SignInPage(page).signInAndWait(person.email, person.password, person.name);
  await page.goto("/uploads");
  await expect(page.getByRole("heading", { name: "Uploads" })).toBeVisible();
  await thief.context.close();
  await context.close();
});

test("sign out everywhere, from the user's own menu, ends the sessions in their other browsers", async ({
  browser,
  consoleWatch,
}) => {
  consoleWatch.allow(
    ENDED_SESSION_401,
    "the other browser's open review page (thumbnails, polling) after sign out everywhere",
  );
  const { user: person, close } = await createUserAsAdmin(browser, {
    name: "Two Browsers",
    role: "reviewer",
    prefix: "twob",
  });
  await close();
  const laptop = await signedInContext(browser, person);
  const phone = await signedInContext(browser, person);
  await phone.page.goto("/review");
  await expect(phone.page.getByTestId("current-user")).toHaveText(person.name);

  await laptop.page.getByTestId("account-menu").locator("summary").click();
  await laptop.page.getByRole("button", { name: "Sign out everywhere" }).click();
  await laptop.page.waitForURL("**/sign-in**");
  await expect(laptop.page.getByText("You are signed out on every device.")).toBeVisible();

  await phone.page.goto("/review");
  await expect(phone.page).toHaveURL(/\/sign-in/);
  expect((await phone.page.request.get("/api/review/queue")).status()).toBe(401);

  // The person can sign straight back in.
  await new SignInPage(laptop.page).signInAndWait(person.email, person.password, person.name);
  await laptop.context.close();
  await phone.context.close();
});
