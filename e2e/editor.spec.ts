import { expect, test } from "./support/test";
import { EditorPage, pngColourType, pngSize } from "./pages/editor-page";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { setSimulator } from "./support/simulator";
import { DEMO } from "./support/users";

test.beforeEach(async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
});
test.afterEach(async ({ request }) => {
  await setSimulator(request, { latencyMs: 0 });
});

test("a designer erases, upscales, removes the background, compares and restores — every step a new version", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  // One draft image, made through the product.
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill(`Editor mug ${Date.now()}`);
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  await new JobPage(page).waitUntilDone(1);
  await page
    .getByRole("link", { name: /Open asset/ })
    .first()
    .click();
  await page.getByTestId("edit-asset").click();
  await expect(page).toHaveURL(/\/assets\/[0-9a-f-]{36}\/edit$/);

  const editor = new EditorPage(page);
  await editor.expectVersions(1, "Generated");
  await editor.expectImageLoaded();
  const original = await editor.imageBytes();
  expect(pngSize(original)).toEqual({ width: 512, height: 512 });

  // Zoom by keyboard and buttons.
  await expect(page.getByTestId("zoom-level")).not.toHaveText("");
  const fitted = await page.getByTestId("zoom-level").textContent();
  await page.keyboard.press("+");
  await expect(page.getByTestId("zoom-level")).not.toHaveText(fitted!);
  await page.getByRole("button", { name: "Fit" }).click();
  await expect(page.getByTestId("zoom-level")).toHaveText(fitted!);

  // Erase: disabled until a mask is painted (saying why), then with a painted stroke; the progress bar shows while it runs.
  await expect(page.getByRole("button", { name: "Erase painted area" })).toBeDisabled();
  await expect(page.getByText("Paint a mask to enable erase.")).toBeVisible();
  await editor.paintStroke();
  await expect(page.getByRole("button", { name: "Erase painted area" })).toBeEnabled();
  await page.getByTestId("editor-stage").screenshot({ path: "test-results/editor-mask.png" });
  await setSimulator(request, { latencyMs: 2500 });
  await page.getByRole("button", { name: "Erase painted area" }).click();
  await expect(page.getByTestId("edit-progress")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Edit progress" })).toBeVisible();
  await editor.expectVersions(2, "Erase");
  await setSimulator(request, { latencyMs: 0 });
  await expect(editor.version(2).getByTestId("version-engine")).toContainText("a1111 on Kiln GPU simulator");
  await expect(editor.version(2).getByTestId("version-cost")).toHaveText("$0.003");
  await editor.expectImageLoaded();
  const erased = await editor.imageBytes();
  expect(pngSize(erased)).toEqual({ width: 512, height: 512 });
  expect(erased.equals(original)).toBe(false);

  // Upscale 2×.
  await page.getByRole("button", { name: "Upscale 2×" }).click();
  await editor.expectVersions(3, "Upscale 2×");
  await expect(page.getByTestId("editing-version")).toContainText("1024×1024");
  expect(pngSize(await editor.imageBytes())).toEqual({ width: 1024, height: 1024 });

  // Remove the background: an RGBA PNG, shown on the checkerboard.
  await page.getByRole("button", { name: "Remove background" }).click();
  await editor.expectVersions(4, "Remove background");
  await editor.expectImageLoaded();
  const cut = await editor.imageBytes();
  expect(pngColourType(cut)).toBe(6);
  await expect(page.getByTestId("editor-stage")).toHaveCSS("background-image", /linear-gradient/);
  await page.screenshot({ path: "test-results/editor-cutout.png", fullPage: true });

  // Before/after: v1 against v4, the slider moves the cut.
  await page.getByRole("button", { name: "Compare versions" }).click();
  await page.getByLabel("Before version").selectOption("1");
  // Versions are named in words, never by their operation code.
  await expect(page.getByLabel("After version")).toContainText("v4 · Remove background");
  await expect(page.getByTestId("compare")).not.toContainText("remove_background");
  await page.getByLabel("After version").selectOption("4");
  await page.getByRole("slider", { name: "Before/after position" }).fill("30");
  await expect(page.getByTestId("compare-after")).toHaveAttribute("style", /inset\(0px 0px 0px 30%\)/);
  await expect(page.getByTestId("compare-before")).toHaveAttribute("alt", "Version 1 (before)");
  await expect(page.getByTestId("compare-before")).toHaveAttribute("style", /inset\(0px 70% 0px 0px\)/);
  await expect
    .poll(() => page.getByTestId("compare-after").evaluate((i) => (i as HTMLImageElement).naturalWidth))
    .toBeGreaterThan(0);
  await page.getByTestId("compare").screenshot({ path: "test-results/editor-compare.png" });

  // Restore version 1 as version 5: the same pixels as the original.
  await editor.version(1).getByRole("button", { name: "Restore as new version" }).click();
  await expect(page.getByText("Version 1 restored as version 5.")).toBeVisible();
  await editor.expectVersions(5, "Restore of v1");
  await editor.expectImageLoaded();
  expect((await editor.imageBytes()).equals(original)).toBe(true);
  await expect(editor.versions()).toHaveText([/v5/, /v4/, /v3/, /v2/, /v1/]);
});

test.describe("as an admin", () => {
  test("chooses the engine and price per operation under Editor engines", async ({ page }) => {
    await page.context().clearCookies();
    await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
    await page.goto("/admin/editing");
    await expect(page.getByRole("heading", { name: "Editor engines" })).toBeVisible();
    const erase = page.getByTestId("engine-erase");
    // Only engines that can erase are offered: the simulator's inpainting, not the Lanczos upscaler.
    await expect(erase.getByLabel("Erase engine").locator("option")).not.toContainText(["Lanczos"]);
    await expect(
      page.getByTestId("engine-upscale").getByLabel("Upscale engine").locator("option", { hasText: "Lanczos" }),
    ).toHaveCount(1);
    await erase.getByLabel("Erase price").fill("0.004");
    await erase.getByRole("button", { name: "Save" }).click();
    await expect(erase.getByText("Saved.")).toBeVisible();
    await page.screenshot({ path: "test-results/editor-admin.png", fullPage: true });
    await erase.getByLabel("Erase price").fill("0.00x");
    await erase.getByRole("button", { name: "Save" }).click();
    await expect(erase.locator("[data-alert=error]")).toContainText("not a dollar amount");
    await erase.getByLabel("Erase price").fill("0.003");
    await erase.getByRole("button", { name: "Save" }).click();
    await expect(erase.getByText("Saved.")).toBeVisible();
  });
});
