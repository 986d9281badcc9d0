import type { Browser, Page } from "@playwright/test";
import { holdRequests } from "./support/hold-requests";
import { LibraryPage } from "./pages/library-page";
import { SignInPage } from "./pages/sign-in-page";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { approveWaiting } from "./support/review";
import { expect, test } from "./support/test";
import { DEMO } from "./support/users";

/** A word no other test writes, letters only so full-text search keeps it whole. */
const uniqueWord = () =>
  `zq${Date.now()
    .toString(36)
    .replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;

async function approvedAssetOf(page: Page, browser: Browser, word: string): Promise<string> {
  // Draft-tier images are approved by their checks alone, or by a reviewer when the checks left one
  // waiting (approveWaiting); never exported, they get no automatic draft either way.
  const campaign = `Alt ${word}`;
  const batchId = await queueBatchViaApi(page, { preset: /Draft/, productName: `Glazed teapot ${word}`, campaign });
  const rows = await waitForBatchSettled(page, batchId);
  const approved = rows.find((r) => r.check?.status === "approved");
  if (approved) return approved.check!.assetId;
  const waiting = rows.find((r) => r.check?.status === "in_review");
  expect(waiting, "a draft image approved by its checks or waiting for a reviewer").toBeTruthy();
  await approveWaiting(browser, campaign, [waiting!.check!.assetId]);
  return waiting!.check!.assetId;
}

test("a designer drafts alt text with the simulator, edits it, confirms it, and the library finds it", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const word = uniqueWord();
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const assetId = await approvedAssetOf(page, browser, word);

  await page.goto(`/assets/${assetId}`);
  const card = page.getByTestId("alt-text-card");
  await expect(card.getByTestId("alt-text-status")).toContainText("Missing");
  const field = card.getByLabel("Alt text");
  await expect(field).toHaveValue("");

  // The seeded engine: A1111 interrogate against the built-in simulator. The designer clicks into the
  // field while the draft is being made (the card's polls are held until then): the field keeps what it
  // showed, the draft that lands is offered beside it and never slips in under the caret.
  const held = await holdRequests(page, `**/api/assets/${assetId}/alt-text`, "GET");
  await card.getByRole("button", { name: "Draft with AUTOMATIC1111 interrogate" }).click();
  await expect(card.getByTestId("alt-text-status")).toContainText("Drafting…");
  await field.focus();
  held.release();
  await expect(card.getByTestId("alt-text-status")).toContainText("Draft — needs a person", { timeout: 30_000 });
  await expect(field).toHaveValue("");
  await expect(field).toBeFocused();
  await card.screenshot({ path: "/tmp/alt-text-waiting.png" });
  await card.getByTestId("alt-text-waiting").getByRole("button", { name: "Use the draft" }).click();
  await expect(field).not.toHaveValue("");
  await held.stop();
  await expect(card.getByTestId("alt-text-status")).toContainText("Drafted by AUTOMATIC1111 interrogate");
  const drafted = await field.inputValue();
  expect(drafted).toMatch(/^[A-Z].*(object|sky).*\.$/);
  expect(drafted).not.toMatch(/arafed|artstation|picture of/i);
  await expect(card.getByTestId("alt-text-count")).toHaveText(`${drafted.length} / 250`);
  await page.screenshot({ path: "/tmp/alt-text-drafted.png", fullPage: true });

  // The person edits it, saves, then confirms.
  const edited = `Glazed ${word} teapot: ${drafted[0]!.toLowerCase()}${drafted.slice(1)}`.slice(0, 240);
  await field.fill(edited);
  await expect(card.getByTestId("alt-text-count")).toHaveText(`${edited.length} / 250`);
  await card.getByRole("button", { name: "Save draft" }).click();
  await expect(card.getByText("Draft saved.")).toBeVisible();
  await expect(card.getByTestId("alt-text-status")).toContainText("Written by a person");
  await card.getByRole("button", { name: "Confirm alt text" }).click();
  await expect(card.getByText("Alt text confirmed.")).toBeVisible();

  await page.reload();
  await expect(card.getByTestId("alt-text-status")).toContainText(`Confirmed by ${DEMO.designer.name} on`);
  await expect(card.getByLabel("Alt text")).toHaveValue(edited);
  await page.screenshot({ path: "/tmp/alt-text-confirmed.png", fullPage: true });

  const library = new LibraryPage(page);
  await library.goto();
  await library.search(`alt:confirmed ${word}`);
  await library.expectTotal(1);
  await expect(library.tile(assetId)).toBeVisible();
  await library.search(`alt:missing campaign:"Alt ${word}"`);
  await expect(library.tile(assetId)).toHaveCount(0);
});

test("an admin sees the alt-text engine and tests it on the sample picture", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Alt text" }).click();
  await expect(page.getByRole("heading", { name: "Alt text", level: 1 })).toBeVisible();
  const form = page.getByTestId("alt-text-settings");
  await expect(form.getByLabel("Engine")).toHaveValue("a1111_interrogate");
  await expect(form.getByLabel("Endpoint")).toContainText("(simulator)");
  await form.getByRole("button", { name: "Test" }).click();
  await expect(page.getByTestId("alt-text-test")).toContainText("Draft for the sample picture", { timeout: 30_000 });
  await expect(page.getByTestId("alt-text-test")).toContainText(/object/);
  await page.screenshot({ path: "/tmp/alt-text-admin.png", fullPage: true });
});

test("a reviewer sees the alt text on the review screen; approving asks the engine for a draft", async ({
  page: designer,
  browser,
}) => {
  test.setTimeout(150_000);
  const word = uniqueWord();
  const campaign = `Alt review ${word}`;
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const batchId = await queueBatchViaApi(designer, {
    preset: /Support/,
    productName: `Stoneware jug ${word}`,
    campaign,
    variants: 2,
  });
  const rows = await waitForBatchSettled(designer, batchId, 90_000);
  expect(
    rows.some((r) => r.check?.status === "in_review"),
    "a support image waits for review",
  ).toBe(true);

  const reviewer = await (await browser.newContext()).newPage();
  await new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  await reviewer.goto("/review");
  await reviewer.getByLabel("Campaign").selectOption(campaign);
  const current = reviewer.getByTestId("review-current");
  await expect(current).toBeVisible({ timeout: 30_000 });
  const assetId = (await current.getAttribute("data-asset-id"))!;
  await expect(current.getByTestId("alt-text-status")).toContainText("Missing");
  await expect(current.getByRole("button", { name: "Draft with AUTOMATIC1111 interrogate" })).toBeVisible();
  await reviewer.screenshot({ path: "/tmp/alt-text-review.png", fullPage: true });
  await reviewer.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await reviewer.keyboard.press("a");
  await expect(reviewer.locator(`[data-testid="review-item"][data-asset-id="${assetId}"]`)).toHaveCount(0);

  // The approval sent the draft request; the designer finds a draft waiting for a person.
  await expect
    .poll(
      async () =>
        ((await (await designer.request.get(`/api/assets/${assetId}/alt-text`)).json()) as { status: string }).status,
      { timeout: 30_000 },
    )
    .toBe("draft");
  await designer.goto(`/assets/${assetId}`);
  await expect(designer.getByTestId("alt-text-status")).toContainText("Drafted by AUTOMATIC1111 interrogate");
  await expect(designer.getByTestId("alt-text-card").getByLabel("Alt text")).not.toHaveValue("");
});
