import type { Page } from "@playwright/test";
import { SignInPage } from "./pages/sign-in-page";
import { expect, test } from "./support/test";
import { DEMO } from "./support/users";

/**
 * The Developers area as an integrator meets it: make a token, copy it once, call the API with it
 * (no cookie: Playwright's `request` fixture), revoke it; read the API reference, which must load
 * nothing from another origin; an admin's service account and its token.
 */

/** Every request the page makes, so a test can prove nothing left Kiln's own origin. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  return urls;
}

test("a designer makes a token, copies it once, calls the API with it, and revoking it ends it", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const name = `PIM sync ${Date.now().toString(36)}`;
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Developers" }).click();
  await expect(page).toHaveURL(/\/developers\/tokens$/);
  await expect(page.getByRole("navigation", { name: "Developers sections" }).getByRole("link")).toHaveText([
    "API tokens",
    "Webhooks",
    "API reference",
  ]);

  await page.getByRole("button", { name: "New token" }).click();
  const form = page.getByTestId("token-create-dialog");
  await form.getByLabel("Name").fill(name);
  await form.getByTestId("scope-assets:read").check();
  await expect(
    form.getByText("Search and read assets, their versions, checks, decisions and downloads."),
  ).toBeVisible();
  await form.getByLabel("Expires after").selectOption("none");
  await expect(form.getByRole("alert")).toContainText("never expires");
  await form.getByLabel("Expires after").selectOption("30");
  await form.screenshot({ path: "test-results/developers-create-token.png" });
  await form.getByTestId("token-create-submit").click();

  const created = page.getByTestId("token-created-dialog");
  await expect(created).toBeVisible();
  const shown = await created.getByTestId("token-secret").inputValue();
  await created.getByTestId("token-copy").click();
  await expect(created.getByTestId("token-copy")).toHaveText("Copied");
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toBe(shown);
  expect(token).toMatch(/^kiln_api_/);
  await expect(created.getByTestId("token-curl")).toHaveText(
    new RegExp(`^curl -H "Authorization: Bearer ${token}" http://localhost:\\d+/api/v1/me$`),
  );
  await page.screenshot({ path: "test-results/developers-token-created.png" });
  // Escape does not lose the only copy; "I have copied it" does, for good.
  await page.keyboard.press("Escape");
  await expect(created).toBeVisible();
  await created.getByTestId("token-done").click();
  await expect(created).toBeHidden();
  const row = page.locator(`[data-testid=token-row][data-name="${name}"]`);
  await expect(row).toHaveAttribute("data-state", "active");
  await expect(row).toContainText(token.slice(0, 16));
  await expect(row).toContainText("assets:read");
  expect(await page.content()).not.toContain(token);

  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status(), await me.text()).toBe(200);
  expect(await me.json()).toMatchObject({
    object: "token",
    token: { name, scopes: ["assets:read"] },
    user: { email: DEMO.designer.email, role: "designer" },
  });
  expect(me.headers()["ratelimit-limit"]).toBeTruthy();

  // Last used: when, and from which address.
  await page.reload();
  await expect(row.getByTestId("token-last-used")).not.toContainText("never");
  await page.screenshot({ path: "test-results/developers-tokens.png", fullPage: true });

  await row.getByTestId("token-revoke").click();
  const confirm = page.getByTestId("token-revoke-dialog");
  await expect(confirm).toContainText("refused from now on");
  await confirm.getByTestId("token-revoke-confirm").click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveAttribute("data-state", "revoked");
  await expect(row.getByTestId("token-revoke")).toHaveCount(0);

  const after = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect(await after.json()).toMatchObject({
    error: { code: "unauthenticated", message: "This API token was revoked." },
  });
});

test("the API reference renders from the OpenAPI document, offline: nothing loads from another origin", async ({
  page,
}) => {
  const urls = recordRequests(page);
  await new SignInPage(page).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  await page.goto("/developers");
  await expect(page).toHaveURL(/\/developers\/tokens$/);
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/developers\/reference$/);
  await expect(page.getByTestId("reference-title")).toContainText("Kiln API");
  const me = page
    .getByTestId("reference-operation")
    .filter({ has: page.getByRole("heading", { name: /GET \/api\/v1\/me/ }) });
  await expect(me).toBeVisible();
  await expect(me).toContainText("Scope: any live token");
  await expect(me).toContainText('curl "$KILN_URL/api/v1/me"');
  await expect(me.getByText("role", { exact: true })).toBeVisible();
  await expect(page.getByTestId("reference-error-code").filter({ hasText: "idempotency_key_reused" })).toContainText(
    "422",
  );
  // The contents link jumps to the operation.
  await page.getByRole("navigation", { name: "API reference contents" }).getByRole("link", { name: /\/me/ }).click();
  await expect(page).toHaveURL(/#get-api-v1-me$/);
  await page.screenshot({ path: "test-results/developers-reference.png", fullPage: true });
  const origin = new URL(page.url()).origin;
  expect(urls.filter((u) => !u.startsWith(origin) && !u.startsWith("data:"))).toEqual([]);
});

test("an admin makes a service account and a token for it; the token acts as the account", async ({
  page,
  request,
}) => {
  const saName = `Ad tool ${Date.now().toString(36)}`;
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/developers/tokens");
  const form = page.getByTestId("service-account-form");
  await form.getByLabel("Name").fill(saName);
  await form.getByLabel("Role").selectOption("reviewer");
  await form.getByTestId("service-account-create").click();
  const account = page.locator(`[data-testid=service-account-row][data-name="${saName}"]`);
  await expect(account).toContainText("reviewer");
  await expect(account).toContainText("0 live tokens");

  await account.getByTestId("service-account-new-token").click();
  const dialog = page.getByTestId("token-create-dialog");
  await expect(dialog).toContainText(`New token for ${saName}`);
  await dialog.getByLabel("Name").fill("review sync");
  await dialog.getByTestId("scope-review:read").check();
  await dialog.getByTestId("token-create-submit").click();
  const created = page.getByTestId("token-created-dialog");
  const token = await created.getByTestId("token-secret").inputValue();
  await created.getByTestId("token-done").click();
  await expect(account).toContainText("1 live token");
  await expect(
    page.locator(`[data-testid=token-row][data-name="review sync"]`).filter({ hasText: saName }).first(),
  ).toHaveAttribute("data-state", "active");
  await page.screenshot({ path: "test-results/developers-service-accounts.png", fullPage: true });

  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status(), await me.text()).toBe(200);
  expect(await me.json()).toMatchObject({
    user: { name: saName, role: "reviewer" },
    token: { scopes: ["review:read"] },
  });

  // Among the users, marked as what it is; it never signs in.
  await page.goto("/admin/users");
  const userRow = page.locator("tr").filter({ hasText: saName });
  await expect(userRow).toContainText("service account");
  await expect(userRow).toContainText("never signs in");
});

// Kept out of the happy paths above: making a token needs a name and a scope, said beside the fields.
test("the token form says what is missing", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.finance.email, DEMO.finance.password, DEMO.finance.name);
  await page.goto("/developers/tokens");
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  await page.getByRole("button", { name: "New token" }).click();
  const dialog = page.getByTestId("token-create-dialog");
  await expect(dialog.getByTestId("token-create-submit")).toBeDisabled();
  await dialog.getByLabel("Name").fill("costs export");
  await expect(dialog.getByTestId("token-create-submit")).toBeDisabled();
  const token = await createTokenInOpenDialog(page, ["costs:read"]);
  expect(token).toMatch(/^kiln_api_/);
});

async function createTokenInOpenDialog(page: Page, scopes: string[]): Promise<string> {
  const dialog = page.getByTestId("token-create-dialog");
  for (const scope of scopes) await dialog.getByTestId(`scope-${scope}`).check();
  await dialog.getByTestId("token-create-submit").click();
  const token = await page.getByTestId("token-created-dialog").getByTestId("token-secret").inputValue();
  await page.getByTestId("token-done").click();
  return token;
}
