import type { Page } from "@playwright/test";
import { expect, fromApp, test } from "./support/test";
import { EditorPage } from "./pages/editor-page";
import { SignInPage } from "./pages/sign-in-page";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { DEMO } from "./support/users";

/** Clicks (or drags, with `to`) on the image under review at fractions of its box. */
async function pinAt(page: Page, from: [number, number], to?: [number, number]) {
  const box = (await page.getByTestId("review-current").getByTestId("pin-surface").boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  if (to)
    for (let i = 1; i <= 5; i++)
      await page.mouse.move(...at([from[0] + ((to[0] - from[0]) * i) / 5, from[1] + ((to[1] - from[1]) * i) / 5]));
  await page.mouse.up();
}

test("a designer edits an approved image and sends the new version; the reviewer compares, pins comments and approves with changes", async ({
  browser,
  page,
}) => {
  test.setTimeout(120_000);
  const word = Date.now().toString(36);
  const campaign = `flow-${word}`;

  const reviewerContext = await browser.newContext();
  const reviewer = await reviewerContext.newPage();
  const { assetId } = await test.step("a support image in review, v1 approved", async () => {
    // A support image in review; the reviewer approves version 1 (through the API: not this journey's subject).
    await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
    const [rows] = await Promise.all([
      queueBatchViaApi(page, { preset: /Support/, productName: `Flow mug ${word}`, campaign }).then((id) =>
        waitForBatchSettled(page, id, 60_000),
      ),
      new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name),
    ]);
    const assetId = rows.find((r) => r.check?.status === "in_review")?.check?.assetId;
    expect(assetId, JSON.stringify(rows.map((r) => r.check?.status))).toBeTruthy();
    const queue = (await (await reviewer.request.get(`/api/review/queue?campaign=${campaign}`)).json()) as {
      items: { assetId: string; versionId: string }[];
    };
    const v1 = queue.items.find((i) => i.assetId === assetId)!.versionId;
    const approved = await reviewer.request.post("/api/review/decisions", {
      headers: fromApp(reviewer),
      data: { assetId, assetVersionId: v1, decision: "approve" },
    });
    expect(approved.status(), await approved.text()).toBe(201);
    return { assetId: assetId! };
  });

  await test.step("the designer edits and sends v2", async () => {
    // The designer erases something: version 2 stays with them, version 1 stays current and approved.
    await page.goto(`/assets/${assetId}/edit`);
    const editor = new EditorPage(page);
    await editor.expectImageLoaded();
    await editor.paintStroke();
    await page.getByRole("button", { name: "Erase painted area" }).click();
    await editor.expectVersions(2, /Erase/);
    await expect(editor.version(1)).toContainText("current · approved");
    await expect(editor.version(2)).toContainText("with you");
    const send = editor.version(2).getByRole("button", { name: "Send v2 to review" });
    // Enabled once the checks on version 2 have finished (they still run on every new version).
    await expect(send).toBeEnabled({ timeout: 60_000 });
    await expect(editor.version(2).getByTestId("withdraws-approval")).toContainText("replaces the approved v1");
    await send.click();
    await expect(page.getByText("Version 2 sent to review: a reviewer will look at it.")).toBeVisible();
    await expect(editor.version(2)).toContainText("current · in review");
  });

  await test.step("the reviewer compares, pins and approves with changes", async () => {
    // The reviewer claims, sees version 2 beside the approved version 1, and pins two comments.
    await reviewer.goto("/review");
    await reviewer.getByLabel("Campaign").selectOption(campaign);
    const current = reviewer.getByTestId("review-current");
    await expect(current).toHaveAttribute("data-asset-id", assetId!);
    await reviewer.getByRole("button", { name: "Claim next 20" }).click();
    await expect(reviewer.getByTestId("claimed-by")).toContainText("claimed by you until");
    await expect(current.getByTestId("claim-note")).toContainText(`Claimed by you (${DEMO.reviewer.name}) until`);
    const toggle = current.getByTestId("compare-toggle");
    await expect(toggle).toHaveText("Hide comparison");
    await expect(current.getByTestId("compare-before")).toContainText("v1 · last approved (KA-");
    await expect(current.getByTestId("compare-changes")).toContainText("What changed since v1: v2 Erase");
    await toggle.click();
    await expect(current.getByTestId("compare-before")).toHaveCount(0);
    await expect(toggle).toHaveText("Compare with v1 (last approved)");
    await toggle.click();
    await expect(current.getByTestId("compare-before")).toBeVisible();

    await pinAt(reviewer, [0.3, 0.4]);
    await expect(current.getByTestId("comment-panel")).toContainText("Comment pinned to the point");
    await current.getByTestId("comment-body").fill("Handle edge is soft here");
    await current.getByRole("button", { name: "Pin comment" }).click();
    await expect(current.getByTestId("pin-marker")).toHaveText(["1"]);
    await pinAt(reviewer, [0.55, 0.55], [0.85, 0.8]);
    await expect(current.getByTestId("comment-panel")).toContainText("Comment pinned to the region");
    await current.getByTestId("comment-body").fill("Shadow looks cut off in this corner");
    await current.getByRole("button", { name: "Pin comment" }).click();
    await expect(current.getByTestId("pin-marker")).toHaveText(["1", "2"]);
    const list = current.getByTestId("comment-item");
    await expect(list).toHaveText([/1.*Handle edge is soft here/, /2.*Shadow looks cut off/]);
    // The list links to the markers and the markers back to the list.
    const markerId = await current.getByTestId("pin-marker").nth(1).getAttribute("id");
    await expect(list.nth(1).getByRole("link", { name: "2" })).toHaveAttribute("href", `#${markerId}`);
    await list.nth(1).hover();
    await expect(current.getByTestId("pin-marker").nth(1)).toHaveClass(/ring-4/);
    await current.screenshot({ path: "test-results/review-compare-pins.png" });

    // Approve with changes (C, the comment, Enter).
    await reviewer.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await reviewer.keyboard.press("c");
    await reviewer.getByLabel("Which changes? (approved on that condition)").fill("Sharpen the handle edge");
    await reviewer.keyboard.press("Enter");
    await expect(
      reviewer.locator("[data-sonner-toast]").filter({ hasText: "Approved with changes (KA-" }),
    ).toBeVisible();
    await reviewerContext.close();
  });

  // The designer's notification says approved WITH changes, and which; the pins are on the asset page.
  await page.goto("/");
  const notice = page.getByTestId("notifications").locator("li").filter({ hasText: "with changes" }).first();
  await expect(notice).toContainText(`${DEMO.reviewer.name} approved your asset with changes (KA-`);
  await expect(notice).toContainText("Make these changes before using it: “Sharpen the handle edge”");
  await page.goto(`/assets/${assetId}`);
  await expect(page.getByTestId("pin-marker")).toHaveText(["1", "2"]);
  await expect(page.getByTestId("comment-item").first()).toContainText(
    `${DEMO.reviewer.name}: Handle edge is soft here`,
  );
});
