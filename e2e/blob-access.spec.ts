import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import sharp from "sharp";
import { GeneratePage } from "./pages/generate-page";
import { SignInPage } from "./pages/sign-in-page";
import { UploadsPage } from "./pages/uploads-page";
import { DEMO, type DemoRole } from "./support/users";

async function signedIn(browser: Browser, role: DemoRole): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await new SignInPage(page).signInAndWait(DEMO[role].email, DEMO[role].password, DEMO[role].name);
  return page;
}

/** A camera-style JPEG: make, model, copyright and GPS in its EXIF. */
const cameraJpeg = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 190, g: 110, b: 20 } } })
    .jpeg()
    .withExifMerge({
      IFD0: { Make: "KilnCam", Model: "Model X1", Copyright: "Jane Photographer" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .toBuffer();

test("a designer's upload original: the designer and a reviewer read it, finance gets 404; it carries no camera or GPS metadata", async ({
  browser,
}) => {
  const designer = await signedIn(browser, "designer");
  const uploads = new UploadsPage(designer);
  await uploads.goto();
  const name = `camera-${Date.now()}.jpg`;
  await uploads.upload([{ name, mimeType: "image/jpeg", buffer: await cameraJpeg() }]);
  const tile = uploads.tile(name);
  await expect(tile).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await expect(tile.getByTestId("upload-metadata-removed")).toContainText("gps");

  const list = (await (await designer.request.get("/api/uploads")).json()) as {
    uploads: { filename: string; originalUrl: string; thumbUrl: string }[];
  };
  const upload = list.uploads.find((u) => u.filename === name)!;
  const original = await designer.request.get(upload.originalUrl);
  expect(original.status()).toBe(200);
  const bytes = await original.body();
  expect(bytes.includes(Buffer.from("KilnCam"))).toBe(false);
  expect(bytes.includes(Buffer.from("Jane Photographer"))).toBe(false);
  expect((await sharp(bytes).metadata()).exif).toBeUndefined();

  const reviewer = await signedIn(browser, "reviewer");
  expect((await reviewer.request.get(upload.originalUrl)).status()).toBe(200);
  const finance = await signedIn(browser, "finance");
  expect((await finance.request.get(upload.originalUrl)).status()).toBe(404);
  expect((await finance.request.get(upload.thumbUrl)).status()).toBe(404);
  // A key that belongs to nothing is as absent as one that does not exist, even for an admin.
  const admin = await signedIn(browser, "admin");
  expect((await admin.request.get(upload.originalUrl.replace("original.jpg", "copy.jpg"))).status()).toBe(404);
});

test("an asset in review: the designer and a reviewer read its images, finance gets 404", async ({ browser }) => {
  test.setTimeout(240_000);
  const designer = await signedIn(browser, "designer");
  const campaign = `blob-access-${Date.now().toString(36)}`;
  const generate = new GeneratePage(designer);
  await generate.goto();
  await generate.pickPreset(/Support/);
  await designer.getByLabel("Product name").fill("Glazed stoneware mug");
  await designer.getByLabel("Variants per row").fill("3");
  await designer.getByLabel("Campaign (optional)").fill(campaign);
  await generate.queueButton().click();
  await expect(designer).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  await expect(designer.getByTestId("asset-counts")).toContainText("0 checking", { timeout: 180_000 });

  const reviewer = await signedIn(browser, "reviewer");
  await reviewer.goto("/review");
  await reviewer.getByLabel("Campaign").selectOption(campaign);
  const item = reviewer.getByTestId("review-item").first();
  await expect(item).toBeVisible({ timeout: 30_000 });
  const assetId = (await item.getAttribute("data-asset-id"))!;
  // The review queue's thumbnail loads for the reviewer.
  const thumb = item.locator("img");
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const thumbUrl = (await thumb.getAttribute("src"))!;

  const detail = (await (await reviewer.request.get(`/api/assets/${assetId}`)).json()) as {
    status: string;
    version: { originalUrl: string; previewUrl: string };
  };
  expect(detail.status).toBe("in_review");
  for (const url of [detail.version.originalUrl, detail.version.previewUrl, thumbUrl]) {
    expect((await reviewer.request.get(url)).status(), `reviewer ${url}`).toBe(200);
    expect((await designer.request.get(url)).status(), `designer ${url}`).toBe(200);
  }
  const finance = await signedIn(browser, "finance");
  for (const url of [detail.version.originalUrl, detail.version.previewUrl, thumbUrl]) {
    expect((await finance.request.get(url)).status(), `finance ${url}`).toBe(404);
  }
});
