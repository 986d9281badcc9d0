import type { Page } from "@playwright/test";
import { expect, fromApp, test } from "./support/test";
import { GeneratePage } from "./pages/generate-page";
import { SignInPage } from "./pages/sign-in-page";
import { DEMO } from "./support/users";

/**
 * Queues 32 support images (8 variants × 4 aspect ratios) in a campaign, waits until their checks have
 * settled, and returns how many wait for a reviewer. The simulator's images and the checks decide that
 * number, not the form: near-duplicate variants are rejected and re-rolled, and a variant whose re-rolls
 * run out stays rejected (with 24 asked for, one run ended with 29 images: 6 rejected, 23 in review).
 */
async function queueCampaign(page: Page, campaign: string): Promise<number> {
  const generate = new GeneratePage(page);
  await generate.goto();
  await generate.pickPreset(/Support/);
  await page.getByLabel("Product name").fill("Glazed stoneware mug");
  await page.getByLabel("Variants per row").fill("8");
  await page.getByLabel("16:9").check();
  await page.getByLabel("4:5").check();
  await page.getByLabel("3:2").check();
  await page.getByLabel("Campaign (optional)").fill(campaign);
  await expect(page.getByTestId("estimate-images")).toHaveText("32");
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  // Settled, read in one answer: a rejection's re-roll puts the batch back to running in its transaction.
  const batchUrl = `/api${new URL(page.url()).pathname.replace("/jobs/", "/batches/")}`;
  type Row = { status: string; check: { status: string } | null };
  const read = async () =>
    ((await (await page.request.get(batchUrl)).json()) as { batch: { status: string; rows: Row[] } }).batch;
  const settled = (b: { status: string; rows: Row[] }) =>
    b.status === "completed" &&
    !b.rows.some((r) => r.status === "succeeded" && (!r.check || r.check.status === "checking"));
  await expect.poll(async () => settled(await read()), { timeout: 240_000, intervals: [1_000] }).toBe(true);
  const inReview = (await read()).rows.filter((r) => r.check?.status === "in_review").length;
  await expect(page.getByTestId("asset-counts")).toContainText(`${inReview} in review`);
  // 20 keyboard decisions and a bulk approval of 2 need 22.
  expect(inReview, "assets of the campaign waiting for review").toBeGreaterThanOrEqual(22);
  return inReview;
}

test("a reviewer culls 20 assets by keyboard only — approve, reject with a reason, request changes, undo — and the designer sees every outcome", async ({
  browser,
}) => {
  test.setTimeout(420_000);
  const campaign = `spring-mugs-${Date.now().toString(36)}`;
  const designer = await (await browser.newContext()).newPage();
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const inReview = await queueCampaign(designer, campaign);

  const reviewer = await (await browser.newContext()).newPage();
  await new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  await expect(reviewer.getByRole("navigation", { name: "Console" }).locator("[data-nav-count]")).toBeVisible();
  await reviewer.goto("/review");
  await reviewer.getByLabel("Campaign").selectOption(campaign);
  await expect(reviewer.getByTestId("review-item")).toHaveCount(inReview, { timeout: 30_000 });
  // Focus stays on the Campaign select, as after a pick with the mouse: the decision keys must still reach
  // the queue (the select must not jump to a campaign starting with "a" or "r").
  await reviewer.getByLabel("Campaign").focus();

  // The menu's queue badge follows the decisions without a reload.
  const badge = reviewer.getByRole("navigation", { name: "Console" }).locator('a[href="/review"] [data-nav-count]');
  const badgeCount = async () => ((await badge.count()) ? Number(await badge.getAttribute("data-nav-count")) : 0);
  const apiCount = async () =>
    ((await (await reviewer.request.get("/api/nav-counts")).json()) as { counts: Record<string, number> }).counts[
      "/review"
    ] ?? 0;
  await expect.poll(async () => (await badgeCount()) === (await apiCount()), { timeout: 30_000 }).toBe(true);
  const before = await badgeCount();
  expect(before).toBeGreaterThanOrEqual(20);
  let nativeDialogs = 0;
  reviewer.on("dialog", (d) => {
    nativeDialogs++;
    void d.dismiss();
  });
  const current = reviewer.getByTestId("review-current");
  const outcomes: { assetId: string; decision: string }[] = [];
  for (let i = 0; i < 20; i++) {
    const assetId = (await current.getAttribute("data-asset-id"))!;
    const kind = ["approve", "approve", "reject", "request_changes"][i % 4]!;
    if (kind === "approve") await reviewer.keyboard.press("a");
    if (kind === "reject") {
      await reviewer.keyboard.press("r");
      await expect(reviewer.getByTestId("reason-picker")).toBeVisible();
      await reviewer.keyboard.press("8"); // the eighth reason: Off-brief
    }
    if (kind === "request_changes") {
      await reviewer.keyboard.press("x");
      await expect(reviewer.getByLabel("What must change?")).toBeFocused();
      await reviewer.keyboard.type("Handle should face right");
      await reviewer.keyboard.press("Enter");
    }
    // A decided asset leaves the queue and the next one opens.
    await expect(reviewer.locator(`[data-testid="review-item"][data-asset-id="${assetId}"]`)).toHaveCount(0);
    await expect(current).not.toHaveAttribute("data-asset-id", assetId);
    outcomes.push({ assetId, decision: kind });
  }

  // U takes the last decision back (a request for changes); the asset returns and is approved instead.
  await reviewer.keyboard.press("u");
  await expect(reviewer.locator("[data-sonner-toast]").filter({ hasText: "Decision undone" })).toBeVisible();
  await expect(current).toHaveAttribute("data-asset-id", outcomes[19]!.assetId);
  await reviewer.keyboard.press("a");
  await expect(reviewer.locator(`[data-testid="review-item"][data-asset-id="${outcomes[19]!.assetId}"]`)).toHaveCount(
    0,
  );
  outcomes[19]!.decision = "approve";
  // No reload since the page opened: the badge follows the server's count, 20 fewer (or close, if re-rolls arrived).
  await expect
    .poll(async () => (await badgeCount()) === (await apiCount()), {
      timeout: 30_000,
      message: "the menu badge follows the queue",
    })
    .toBe(true);
  expect(await badgeCount()).toBeLessThanOrEqual(before - 15);

  // Bulk approve asks in the page, not with the browser's confirm(); Cancel changes nothing.
  const rest = reviewer.getByTestId("review-item");
  await expect(rest).toHaveCount(inReview - 20);
  await rest.nth(0).getByLabel("Select for bulk approval").check();
  await rest.nth(1).getByLabel("Select for bulk approval").check();
  await reviewer.getByRole("button", { name: "Approve 2 selected assets" }).click();
  const dialog = reviewer.getByRole("alertdialog", { name: "Approve 2 assets?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(rest).toHaveCount(inReview - 20);
  await reviewer.getByRole("button", { name: "Approve 2 selected assets" }).click();
  await dialog.getByRole("button", { name: "Approve 2 assets" }).click();
  await expect(reviewer.locator("[data-sonner-toast]").filter({ hasText: "Approved 2." })).toBeVisible();
  await expect(rest).toHaveCount(inReview - 22);
  await expect.poll(async () => (await badgeCount()) === (await apiCount()), { timeout: 30_000 }).toBe(true);
  expect(nativeDialogs).toBe(0);

  // The designer sees each outcome on the asset and in their notifications.
  await designer.goto("/");
  // 21 decisions and one undo, newest 20 shown.
  await expect(designer.getByTestId("notifications").locator("li")).toHaveCount(20);
  await expect(designer.getByTestId("notifications")).toContainText("requested changes: “Handle should face right”");
  // Reasons in words, not codes.
  await expect(designer.getByTestId("notifications")).toContainText("rejected your asset: Off-brief");
  await expect(designer.getByTestId("notifications")).not.toContainText("off_brief");
  for (const kind of ["approve", "reject", "request_changes"]) {
    const outcome = outcomes.find((o) => o.decision === kind)!;
    await designer.goto(`/assets/${outcome.assetId}`);
    const history = designer.getByTestId("review-history");
    await expect(history.locator(`[data-decision="${kind}"]`).first()).toBeVisible();
    if (kind === "approve") await expect(history).toContainText("Approval ID");
    if (kind === "reject") {
      await expect(history).toContainText("Off-brief");
      await expect(history).not.toContainText("off_brief");
      await expect(designer.getByTestId("asset-status")).toHaveText("rejected · Off-brief");
    }
    if (kind === "request_changes") {
      await expect(history).toContainText("Handle should face right");
      await expect(designer.getByTestId("asset-status")).toHaveText("changes requested");
    }
  }
  await designer.goto(`/assets/${outcomes[19]!.assetId}`);
  await expect(designer.getByTestId("review-history").locator("li.line-through")).toHaveCount(1);
});

test("a designer can neither decide through the API nor open the review page", async ({ page, consoleWatch }) => {
  consoleWatch.allow(
    /status of 403 \(Forbidden\) — http:\/\/[^/]+\/review:/,
    "the designer's deliberate visit to Review",
  );
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const res = await page.request.post("/api/review/decisions", {
    headers: fromApp(page),
    data: {
      assetId: "00000000-0000-4000-8000-000000000000",
      assetVersionId: "00000000-0000-4000-8000-000000000000",
      decision: "approve",
    },
  });
  expect(res.status()).toBe(403);
  expect((await page.goto("/review"))?.status()).toBe(403);
});

test("an admin downloads the audit log as CSV, decisions included, safe for spreadsheets", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/admin/audit");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Download CSV/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^kiln-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await (await import("node:fs/promises")).readFile((await download.path())!, "utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain('"seq","occurred_at","actor_id","actor_email","action"');
  expect(text).toContain('"review.decided"');
  expect(text.trimEnd().split("\r\n").at(-1)).toContain('"audit.exported"');
  // The file verifies on its own, as the README tells an auditor to check it.
  const { execFileSync } = await import("node:child_process");
  const verified = execFileSync(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "scripts/audit-verify.ts", "--file", (await download.path())!],
    { encoding: "utf8" },
  );
  expect(verified).toMatch(/^audit export OK: \d+ rows verified, the whole chain from the first entry/);
});
