import type { Page } from "@playwright/test";
import { SignInPage } from "./pages/sign-in-page";
import { axeViolations, expectAccessible } from "./support/axe";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { expect, test } from "./support/test";
import { DEMO } from "./support/users";

/**
 * Look and feel (issue 19, item 5): the pages console-pages.spec.ts does not reach pass axe (sign-in,
 * a review with an asset open, the library with results and its preview, the asset page, the editor);
 * the phone layout (menu button, no sideways scroll, deciding and searching on a phone); the `?`
 * shortcut overlay; dark mode from the system setting. Screenshots land in test-results/look-*.png.
 */

/** The page's scroll and client width, and the innermost elements that reach past the right edge (to name the culprit). */
const sideways = (page: Page) =>
  page.evaluate(() => {
    const el = document.scrollingElement!;
    const wide = [...document.body.querySelectorAll<HTMLElement>("*")]
      .filter((e) => e.getBoundingClientRect().right > el.clientWidth + 1)
      .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > el.clientWidth + 1))
      .slice(0, 5)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} (${Math.round(e.getBoundingClientRect().right)}px)`,
      );
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, wide };
  });

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth, wide } = await sideways(page);
  expect(scrollWidth, `${page.url()} scrolls sideways; past the edge: ${wide.join(", ")}`).toBeLessThanOrEqual(
    clientWidth,
  );
}

/** One support-tier image (it waits for a reviewer), made by the designer; returns its asset id. */
async function assetInReview(page: Page, productName: string): Promise<string> {
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  // Two: the phone journey approves one, the dark-mode screenshots still have one to show.
  const batchId = await queueBatchViaApi(page, { preset: /Support/, productName, variants: 2 });
  const rows = await waitForBatchSettled(page, batchId, 120_000);
  const asset = rows.find((r) => r.check?.status === "in_review")?.check?.assetId;
  expect(asset, "a support image waiting for review").toBeTruthy();
  return asset!;
}

test.describe.configure({ mode: "serial" });
let assetId = "";
const product = `Look mug ${Date.now().toString(36)}`;

test("sign-in, review, library, asset page and editor have no serious accessibility violations", async ({ page }) => {
  test.setTimeout(240_000);
  // Every page's findings are gathered and listed together at the end.
  const found: string[] = [];
  const axe = async () => found.push(...(await axeViolations(page)));
  await page.goto("/sign-in");
  await axe();
  assetId = await assetInReview(page, product);

  await page.goto(`/assets/${assetId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await axe();

  await page.goto(`/assets/${assetId}/edit`);
  await expect(page.getByTestId("editor-image")).toBeVisible();
  // An opaque image: a plain well, no checkerboard (that is for images with transparency).
  await expect(page.getByTestId("editor-stage")).toHaveAttribute("data-backdrop", "plain");
  await axe();
  // At 1280×800 the versions and the comparison are in view without scrolling.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Compare versions" }).click();
  await expect(page.getByTestId("compare-box")).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId("version-item").first()).toBeInViewport({ ratio: 1 });
  await axe();
  await page.screenshot({ path: "test-results/look-editor-light.png" });

  await page.goto(`/assets?q=${encodeURIComponent(`"${product}"`)}`);
  await expect(page.getByTestId("library-tile").first()).toBeVisible();
  await axe();
  await page.screenshot({ path: "test-results/look-library-light.png" });
  await page
    .getByRole("button", { name: /^Preview / })
    .first()
    .click();
  await expect(page.getByTestId("lightbox")).toBeVisible();
  await axe();

  await page.context().clearCookies();
  await new SignInPage(page).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  await page.goto("/review");
  await expect(page.getByTestId("review-current")).toBeVisible();
  await axe();
  await page.screenshot({ path: "test-results/look-review-light.png" });
  expect(found, `accessibility (serious, critical):\n${found.join("\n")}`).toEqual([]);
});

test("? lists the page's shortcuts in a dialog; Escape closes it", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  await page.goto("/review");
  await expect(page.getByTestId("review-current")).toBeVisible();
  const shown = await page.getByTestId("review-current").getAttribute("data-asset-id");
  const overlay = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(overlay).toHaveCount(0);
  await page.keyboard.press("?");
  await expect(overlay).toBeVisible();
  await expect(overlay.getByRole("region", { name: "Review" })).toContainText("approve");
  await expect(overlay.getByRole("button", { name: "Close" })).toBeFocused();
  await expectAccessible(page, "shortcut overlay");
  // Keys typed while it is open do not decide anything.
  await page.keyboard.press("a");
  await page.keyboard.press("Escape");
  await expect(overlay).toBeHidden();
  await expect(page.getByTestId("review-current")).toHaveAttribute("data-asset-id", shown!);
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0);
  await page.keyboard.press("?");
  await expect(overlay).toBeVisible();
  await overlay.getByRole("button", { name: "Close" }).click();
  await expect(overlay).toBeHidden();
});

test.describe("on a phone (390×844)", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

  test("the menu button opens the navigation; review and library fit the width and work", async ({ page }) => {
    test.setTimeout(120_000);
    await new SignInPage(page).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav).toBeHidden();
    await expectNoSidewaysScroll(page);
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await menu.click();
    await expect(nav).toBeVisible();
    await nav.getByRole("link", { name: /Review/ }).click();
    await expect(page).toHaveURL(/\/review$/);
    await expect(nav).toBeHidden();
    await expect(page.getByTestId("review-current")).toBeVisible();
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: "test-results/look-review-mobile.png", fullPage: true });
    // Decide on a phone: open an asset from the queue, approve it with the button.
    const first = page.getByTestId("review-item").first();
    const id = await first.getAttribute("data-asset-id");
    await first.click();
    await expect(page.getByTestId("review-current")).toHaveAttribute("data-asset-id", id!);
    await page.getByRole("button", { name: /Approve$/ }).click();
    await expect(page.locator("[data-sonner-toast]").filter({ hasText: "Approved" })).toBeVisible();
    await expect(page.locator(`[data-testid="review-item"][data-asset-id="${id}"]`)).toHaveCount(0);
    await expectNoSidewaysScroll(page);

    await menu.click();
    await nav.getByRole("link", { name: /Library/ }).click();
    await expect(page).toHaveURL(/\/assets/);
    await expect(page.getByTestId("library-tile").first()).toBeVisible();
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: "test-results/look-library-mobile.png", fullPage: true });
    // Search, filter, open an asset.
    await page.getByRole("button", { name: "Filters and saved searches" }).click();
    await expect(page.getByTestId("facets")).toBeVisible();
    await expectNoSidewaysScroll(page);
    await page.getByRole("button", { name: "Hide filters" }).click();
    await page.getByRole("searchbox").fill(`"${product}"`);
    await page.getByRole("searchbox").press("Enter");
    await expect(page).toHaveURL(/q=/);
    await expect(page.getByTestId("library-tile").first()).toBeVisible();
    await page
      .getByRole("button", { name: /^Preview / })
      .first()
      .click();
    await expect(page.getByTestId("lightbox")).toBeVisible();
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: "test-results/look-lightbox-mobile.png" });
  });
});

test.describe("in dark mode", () => {
  test.use({ colorScheme: "dark" });

  test("the system's dark setting gives a dark page with light text", async ({ page }) => {
    await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
    await page.goto("/assets");
    const colours = await page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return { background: style.backgroundColor, text: style.color };
    });
    const luminance = (css: string) => {
      // Chromium reports oklch() colours as written; a canvas turns any CSS colour into sRGB bytes.
      return page.evaluate((c) => {
        const ctx = document.createElement("canvas").getContext("2d")!;
        ctx.fillStyle = c;
        ctx.fillRect(0, 0, 1, 1);
        const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
        const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
      }, css);
    };
    const bg = await luminance(colours.background);
    const fg = await luminance(colours.text);
    expect(bg, `body background ${colours.background}`).toBeLessThan(0.05);
    expect((fg + 0.05) / (bg + 0.05), "text against the background").toBeGreaterThan(7);
    await page.screenshot({ path: "test-results/look-library-dark.png" });
    await expectAccessible(page, "library (dark)");
    await page.goto(`/assets/${assetId}/edit`);
    await expect(page.getByTestId("editor-image")).toBeVisible();
    await page.screenshot({ path: "test-results/look-editor-dark.png" });
    await page.context().clearCookies();
    await new SignInPage(page).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
    await page.goto("/review");
    await expect(page.getByTestId("review-current")).toBeVisible();
    await page.screenshot({ path: "test-results/look-review-dark.png" });
    await expectAccessible(page, "review (dark)");
  });
});
