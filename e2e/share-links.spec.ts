import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { SignInPage } from "./pages/sign-in-page";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { expect, fromApp, test } from "./support/test";
import { DEMO } from "./support/users";

/** Publishing needs confirmed alt text: set through the route the asset page's alt-text card calls. */
async function confirmAltText(page: Page, assetId: string, text: string): Promise<void> {
  const res = await page.request.put(`/api/assets/${assetId}/alt-text`, {
    headers: fromApp(page),
    data: { text, confirm: true },
  });
  expect(res.status(), await res.text()).toBe(200);
}

test("a designer shares a collection behind a password: a visitor without an account sees only the publishable asset, downloads it, and the revoked link is not valid", async ({
  browser,
  page,
}) => {
  test.setTimeout(150_000);
  const word = Date.now().toString(36);

  // The designer's two support images; the reviewer approves one of them.
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const reviewerContext = await browser.newContext();
  const reviewer = await reviewerContext.newPage();
  const [rows] = await Promise.all([
    queueBatchViaApi(page, { preset: /Support/, productName: `Shared vase ${word}`, variants: 2 }).then((id) =>
      waitForBatchSettled(page, id, 60_000),
    ),
    new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name),
  ]);
  const inReview = rows.filter((r) => r.check?.status === "in_review").map((r) => r.check!.assetId);
  expect(inReview.length, JSON.stringify(rows.map((r) => r.check?.status))).toBeGreaterThanOrEqual(2);
  const [publishable, unapproved] = inReview as [string, string];
  const queue = (await (await reviewer.request.get("/api/review/queue")).json()) as {
    items: { assetId: string; versionId: string }[];
  };
  const versionId = queue.items.find((i) => i.assetId === publishable)!.versionId;
  const decided = await reviewer.request.post("/api/review/decisions", {
    headers: fromApp(reviewer),
    data: { assetId: publishable, assetVersionId: versionId, decision: "approve" },
  });
  expect(decided.status(), await decided.text()).toBe(201);
  await reviewerContext.close();
  await confirmAltText(page, publishable, `A glazed vase, ${word}`);

  // Both go on a board.
  const made = await page.request.post("/api/collections", {
    headers: fromApp(page),
    data: { name: `Client picks ${word}` },
  });
  expect(made.status()).toBe(201);
  const boardId = ((await made.json()) as { collection: { id: string } }).collection.id;
  expect(
    (
      await page.request.post(`/api/collections/${boardId}/assets`, {
        headers: fromApp(page),
        data: { assetIds: [publishable, unapproved] },
      })
    ).ok(),
  ).toBe(true);

  // Share → a password, downloads allowed, a label → the link, shown once.
  await page.goto(`/collections/${boardId}`);
  await page.getByTestId("share-open").click();
  const dialog = page.getByTestId("share-dialog");
  await expect(dialog.getByText("No links yet")).toBeVisible();
  await dialog.getByLabel("Expires after").selectOption("30d");
  await dialog.getByLabel("Password (optional)").fill("glazed vase 2026");
  await dialog.getByLabel(/Allow downloads/).check();
  await dialog.getByLabel("Label (optional)").fill("For the agency");
  await dialog.getByTestId("share-create").click();
  const url = await dialog.getByTestId("share-url").inputValue();
  expect(url).toMatch(/\/s\/kiln_sh_[A-Za-z0-9_-]{43}$/);
  await expect(dialog.getByTestId("share-link-row")).toHaveCount(1);
  await expect(dialog.getByTestId("share-link-row")).toContainText("For the agency");
  await page.screenshot({ path: "/tmp/share-dialog.png" });

  // A visitor without a session: the password first (a wrong one is refused), then only the publishable asset.
  const visitorContext = await browser.newContext({ acceptDownloads: true });
  const visitor = await visitorContext.newPage();
  const first = await visitor.goto(url);
  expect(first?.headers()["referrer-policy"]).toBe("no-referrer");
  expect(first?.headers()["x-robots-tag"]).toContain("noindex");
  await expect(visitor.getByTestId("share-password-form")).toBeVisible();
  await visitor.getByLabel("Password").fill("wrong password");
  await visitor.getByRole("button", { name: "Open" }).click();
  await expect(visitor.getByTestId("share-password-error")).toHaveText("That password is not right.");
  await visitor.getByLabel("Password").fill("glazed vase 2026");
  await visitor.getByRole("button", { name: "Open" }).click();
  await expect(visitor.getByTestId("share-title")).toHaveText("For the agency");
  const items = visitor.getByTestId("share-item");
  await expect(items).toHaveCount(1);
  await expect(items.first()).toHaveAttribute("data-asset-id", publishable);
  const img = items.first().locator("img");
  await expect(img).toHaveAttribute("alt", `A glazed vase, ${word}`);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
  await visitor.screenshot({ path: "/tmp/share-visitor.png", fullPage: true });
  // The unapproved one is not served either, even asked for by id.
  expect((await visitor.request.get(`${url}/image/${unapproved}?size=thumb`)).status()).toBe(404);

  const [download] = await Promise.all([
    visitor.waitForEvent("download"),
    items.first().getByTestId("share-download").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.(png|jpg|webp)$/);
  const bytes = await readFile((await download.path())!);
  expect(
    bytes.subarray(1, 4).toString("latin1") === "PNG" ||
      bytes[0] === 0xff ||
      bytes.subarray(8, 12).toString("latin1") === "WEBP",
  ).toBe(true);

  // The designer sees the view and revokes; the visitor's page then says the link is not valid.
  await page.reload();
  await page.getByTestId("share-open").click();
  const row = page.getByTestId("share-link-row").first();
  await expect(row.getByTestId("share-views")).toContainText("1");
  await row.getByTestId("share-revoke").click();
  await expect(row).toHaveAttribute("data-state", "revoked");
  await visitor.reload();
  await expect(visitor.getByTestId("share-not-valid")).toHaveText(/This link is not valid/);
  expect((await visitor.request.get(`${url}/image/${publishable}?size=thumb`)).status()).toBe(404);
  await visitorContext.close();
});

test("a designer records usage rights on an asset: the card and the library flag them as ending soon", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const word = Date.now().toString(36);
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const rows = await waitForBatchSettled(
    page,
    await queueBatchViaApi(page, { preset: /Draft/, productName: `Rights lamp ${word}` }),
  );
  const assetId = rows.find((r) => r.check)!.check!.assetId;
  await page.goto(`/assets/${assetId}`);
  await page.getByTestId("rights-edit").click();
  const form = page.getByTestId("rights-form");
  await form.getByLabel("Licence").fill("Stock RM 4411");
  await form.getByLabel("social").check();
  await form.getByLabel("Other channels").fill("dooh");
  const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  await form.getByLabel("Rights end on").fill(soon);
  await form.getByTestId("rights-save").click();
  const card = page.getByTestId("rights-card");
  await expect(card.getByTestId("rights-licence")).toHaveText("Stock RM 4411");
  await expect(card.getByTestId("rights-channels")).toHaveText("social, dooh");
  await expect(card.getByTestId("rights-flag")).toHaveAttribute("data-rights", "expiring");
  await expect(card.getByTestId("rights-flag")).toHaveText("Expires in 5 days");
  await page.screenshot({ path: "/tmp/rights-card.png", fullPage: true });
  await page.goto(`/assets?q=${encodeURIComponent(`rights:expiring ${word}`)}`);
  await expect(page.locator(`[data-testid="rights-flag"][data-rights="expiring"]`).first()).toBeVisible();
});
