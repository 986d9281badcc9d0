import sharp from "sharp";
import { expect, test } from "./support/test";
import { EditorPage } from "./pages/editor-page";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { UploadsPage } from "./pages/uploads-page";
import { DEMO } from "./support/users";

test.beforeEach(async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
});

test("a designer reruns an asset exactly: estimate first, same seed, the new job, and the new asset links back", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill(`Rerun mug ${Date.now()}`);
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  const firstJob = page.url();
  await new JobPage(page).waitUntilDone(1);
  await page
    .getByRole("link", { name: /Open asset/ })
    .first()
    .click();
  await expect(page).toHaveURL(/\/assets\/[0-9a-f-]{36}$/);
  const originUrl = page.url();

  await page.getByTestId("rerun-open").click();
  const dialog = page.getByTestId("rerun-dialog");
  await expect(dialog.getByTestId("rerun-cost")).toHaveText(/^\$\d/);
  await expect(dialog).toContainText(/Preset.*v\d+/);
  await expect(page.getByTestId("rerun-seed-same")).toBeChecked();
  await page.screenshot({ path: "test-results/rerun-dialog.png" });
  await page.getByTestId("rerun-queue").click();

  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  expect(page.url()).not.toBe(firstJob);
  await new JobPage(page).waitUntilDone(1);
  await page
    .getByRole("link", { name: /Open asset/ })
    .first()
    .click();
  await expect(page.getByTestId("rerun-origin")).toBeVisible();
  await expect(page.getByTestId("rerun-links")).toContainText("Rerun of");
  await page.getByTestId("rerun-origin").click();
  await expect(page).toHaveURL(originUrl);
  await expect(page.getByTestId("rerun-links")).toContainText("Reruns:");
  await page.screenshot({ path: "test-results/rerun-origin.png", fullPage: true });
});

test("an uploaded image is an asset: its page, the editor, review after the checks, and a reference image on Generate", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const uploads = new UploadsPage(page);
  await uploads.goto();
  const name = `swatch-${Date.now()}.png`;
  // A flat colour: the quality checks reject it as blank, so its owner sends it to review.
  const flat = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 230, g: 110, b: 20 } } })
    .png()
    .toBuffer();
  await uploads.upload([{ name, mimeType: "image/png", buffer: flat }]);
  const tile = uploads.tile(name);
  await expect(tile).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await expect(tile.getByTestId("upload-asset-link")).toBeVisible();
  await page.screenshot({ path: "test-results/uploads-asset-links.png" });

  await tile.getByTestId("upload-asset-link").click();
  await expect(page).toHaveURL(/\/assets\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("upload-provenance")).toContainText(name);
  await expect(page.getByTestId("upload-provenance")).toContainText(DEMO.designer.name);
  await expect(page.getByTestId("rerun-open")).toHaveCount(0);
  await expect(page.getByTestId("asset-status")).toHaveAttribute("data-status", "rejected", { timeout: 40_000 });
  await page.screenshot({ path: "test-results/uploaded-asset.png", fullPage: true });

  await page.getByTestId("edit-asset").click();
  const editor = new EditorPage(page);
  await editor.expectVersions(1, "Uploaded");
  await editor.expectImageLoaded();
  await page.getByRole("button", { name: "Send v1 to review" }).click();
  await expect(page.getByText("Already waiting for review.")).toBeVisible();
  await page.goto(page.url().replace(/\/edit$/, ""));
  await expect(page.getByTestId("asset-status")).toHaveAttribute("data-status", "in_review");

  // The same upload as the start image of a generation (the simulator's A1111 img2img).
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill(`Reference mug ${Date.now()}`);
  await page.getByTestId("reference-open").click();
  await page.getByLabel("Search reference images").fill(name);
  await expect(page.getByTestId("reference-candidate")).toHaveCount(1);
  await page.getByTestId("reference-candidate").click();
  await expect(page.getByTestId("reference-chosen")).toHaveText(name);
  await page.screenshot({ path: "test-results/generate-reference.png", fullPage: true });
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  await new JobPage(page).waitUntilDone(1);
  await page
    .getByRole("link", { name: /Open asset/ })
    .first()
    .click();
  await expect(page.getByTestId("reference-image")).toContainText(name);
});
