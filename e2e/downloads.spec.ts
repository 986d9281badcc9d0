import { readFileSync } from "node:fs";
import type { Browser, Download, Locator, Page } from "@playwright/test";
import sharp from "sharp";
import { expect, fromApp, test } from "./support/test";
import { SignInPage } from "./pages/sign-in-page";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { DEMO, type DemoRole } from "./support/users";

/** A word no other test writes, letters only so full-text search keeps it whole. */
const uniqueWord = () =>
  `zd${Date.now()
    .toString(36)
    .replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;

async function demo(browser: Browser, role: DemoRole): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await new SignInPage(page).signInAndWait(DEMO[role].email, DEMO[role].password, DEMO[role].name);
  return page;
}

/** Opens the Download menu inside `scope`, picks a format and returns the browser's download with its bytes. */
async function download(page: Page, scope: Locator, format: string): Promise<{ file: Download; bytes: Buffer }> {
  await scope.getByTestId("download-menu-button").click();
  const menu = page.getByTestId("download-menu");
  await expect(menu).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent("download"), menu.locator(`[data-format="${format}"]`).click()]);
  expect(await file.failure()).toBeNull();
  await expect(menu).toHaveCount(0);
  return { file, bytes: readFileSync((await file.path())!) };
}

async function expectImage(
  bytes: Buffer,
  format: "png" | "jpeg" | "webp" | "avif",
  size: { width: number; height: number },
) {
  const meta = await sharp(bytes).metadata();
  expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
    format: format === "avif" ? "heif" : format,
    ...size,
  });
  if (format === "avif") expect(meta.compression).toBe("av1");
  expect(meta.exif, "no EXIF (location, camera) in a download").toBeUndefined();
  return meta;
}

test("a designer downloads an asset as WebP and AVIF from its page, and the original from the library lightbox", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const word = uniqueWord();
  const designer = await demo(browser, "designer");
  // Draft images are approved by their checks alone; downloading needs no approval anyway.
  const batchId = await queueBatchViaApi(designer, { preset: /Draft/, productName: `Enamel kettle ${word}` });
  const rows = await waitForBatchSettled(designer, batchId);
  const assetId = rows.find((r) => r.check?.assetId)!.check!.assetId;

  await designer.goto(`/assets/${assetId}`);
  const header = designer.locator("main");
  const [, width, height] = /(\d+)×(\d+)/
    .exec((await designer.getByText(/version 1 · \d+×\d+/).textContent())!)!
    .map(Number);
  const size = { width: width!, height: height! };
  const originalUrl = (await designer.locator('main a[href^="/api/blobs/"]').first().getAttribute("href"))!;

  const webp = await download(designer, header, "webp");
  expect(webp.file.suggestedFilename()).toBe(`enamel-kettle-${word}-v1.webp`);
  const xmp = (await expectImage(webp.bytes, "webp", size)).xmp?.toString("utf8") ?? "";
  expect(xmp).toContain("trainedAlgorithmicMedia");
  const avif = await download(designer, header, "avif");
  expect(avif.file.suggestedFilename()).toMatch(/-v1\.avif$/);
  await expectImage(avif.bytes, "avif", size);

  // Keyboard: Enter opens with focus on the first entry, arrows move, Escape closes and gives focus back.
  const button = header.getByTestId("download-menu-button");
  await button.focus();
  await designer.keyboard.press("Enter");
  const menu = designer.getByTestId("download-menu");
  await expect(menu.getByRole("menuitem").first()).toBeFocused();
  await expect(menu.getByRole("menuitem").first()).toContainText("Original (PNG)");
  await designer.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: /^WebP/ })).not.toBeFocused();
  await expect(menu.getByRole("menuitem", { name: /^PNG/ })).toBeFocused();
  await designer.screenshot({ path: "/tmp/downloads-asset-page.png" });
  await designer.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();

  // The library: the lightbox's Download, then the tile's own.
  await designer.goto(`/assets?q=${word}`);
  const tile = designer.locator(`[data-testid="library-tile"][data-asset-id="${assetId}"]`);
  await tile.getByRole("button", { name: /^Preview/ }).click();
  const lightbox = designer.getByTestId("lightbox");
  await expect(lightbox).toHaveAttribute("data-asset-id", assetId);
  await lightbox.getByTestId("download-menu-button").click();
  await designer.screenshot({ path: "/tmp/downloads-lightbox.png" });
  // Escape closes the menu, not the lightbox.
  await designer.keyboard.press("Escape");
  await expect(designer.getByTestId("download-menu")).toHaveCount(0);
  await expect(lightbox).toBeVisible();
  const original = await download(designer, lightbox, "original");
  expect(original.file.suggestedFilename()).toMatch(/-v1\.png$/);
  await expectImage(original.bytes, "png", size);
  // Byte for byte the stored original.
  const stored = await designer.request.get(originalUrl);
  expect(Buffer.from(await stored.body()).equals(original.bytes)).toBe(true);
  await designer.keyboard.press("Escape");
  await expect(lightbox).toHaveCount(0);

  await tile.hover();
  await expect(tile.getByRole("button", { name: /^Download Enamel kettle/ })).toBeVisible();
  await designer.screenshot({ path: "/tmp/downloads-tile.png" });
  const jpeg = await download(designer, tile, "jpeg");
  expect(jpeg.file.suggestedFilename()).toMatch(/-v1\.jpg$/);
  await expectImage(jpeg.bytes, "jpeg", size);

  // With several versions the menu offers a version picker, current first; an older one downloads as itself.
  const upscale = await designer.request.post(`/api/assets/${assetId}/edits`, {
    headers: fromApp(designer),
    data: { operation: "upscale", sourceVersionNumber: 1, params: { scale: 2 }, idempotencyKey: `e2e-upscale-${word}` },
  });
  expect(upscale.status(), await upscale.text()).toBeLessThan(300);
  await expect
    .poll(
      async () =>
        ((await (await designer.request.get(`/api/assets/${assetId}`)).json()) as { version: { number: number } })
          .version.number,
      { timeout: 45_000 },
    )
    .toBe(2);
  await designer.goto(`/assets/${assetId}`);
  await header.getByTestId("download-menu-button").click();
  const picker = designer.getByTestId("download-version");
  await expect(picker).toHaveValue("2");
  await expect(picker.locator("option")).toHaveText(["v2 (current)", "v1"]);
  await designer.screenshot({ path: "/tmp/downloads-versions.png" });
  await picker.selectOption("1");
  const [older] = await Promise.all([
    designer.waitForEvent("download"),
    designer.getByTestId("download-menu").locator('[data-format="webp"]').click(),
  ]);
  expect(older.suggestedFilename()).toBe(`enamel-kettle-${word}-v1.webp`);
  await expectImage(readFileSync((await older.path())!), "webp", size);
  // The menu remembers the version picked on this page.
  await header.getByTestId("download-menu-button").click();
  await expect(picker).toHaveValue("1");
  await picker.selectOption("2");
  const [newer] = await Promise.all([
    designer.waitForEvent("download"),
    designer.getByTestId("download-menu").locator('[data-format="original"]').click(),
  ]);
  expect(newer.suggestedFilename()).toBe(`enamel-kettle-${word}-v2.png`);
  await expectImage(readFileSync((await newer.path())!), "png", { width: size.width * 2, height: size.height * 2 });
});

test("a reviewer downloads the asset under review from the review screen", async ({ browser }) => {
  test.setTimeout(120_000);
  const word = uniqueWord();
  const designer = await demo(browser, "designer");
  // Support images wait for a reviewer.
  const batchId = await queueBatchViaApi(designer, {
    preset: /Support/,
    productName: `Linen apron ${word}`,
    campaign: `dl-${word}`,
  });
  const rows = await waitForBatchSettled(designer, batchId);
  const assetId = rows.find((r) => r.check?.status === "in_review")?.check?.assetId;
  expect(assetId, "the support image waits for review").toBeTruthy();

  const reviewer = await demo(browser, "reviewer");
  await reviewer.goto("/review");
  await reviewer.getByLabel("Campaign").selectOption(`dl-${word}`);
  const current = reviewer.getByTestId("review-current");
  await expect(current).toHaveAttribute("data-asset-id", assetId!);
  const jpeg = await download(reviewer, current, "jpeg");
  expect(jpeg.file.suggestedFilename()).toBe(`linen-apron-${word}-v1.jpg`);
  const meta = await sharp(jpeg.bytes).metadata();
  expect(meta.format).toBe("jpeg");
  expect(meta.exif).toBeUndefined();
  await reviewer.screenshot({ path: "/tmp/downloads-review.png" });
  // The menu kept the review shortcuts quiet: the asset is still waiting, undecided.
  await expect(current).toHaveAttribute("data-asset-id", assetId!);
});
