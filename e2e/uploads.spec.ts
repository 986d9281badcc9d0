import { expect, fromApp, test } from "./support/test";
import sharp from "sharp";
import { SignInPage } from "./pages/sign-in-page";
import { UploadsPage } from "./pages/uploads-page";
import { DEMO } from "./support/users";

const png = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 20, g: 110, b: 190 } } })
    .png()
    .toBuffer();

test("a designer uploads an image: it is checked, stored, and its thumbnail appears from the background function", async ({
  page,
  consoleWatch,
}) => {
  consoleWatch.allow(
    /status of 415 \(Unsupported Media Type\) — http:\/\/[^/]+\/api\/uploads:/,
    "the deliberate text file named .png",
  );
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const uploads = new UploadsPage(page);
  await uploads.goto();
  const name = `brand-${Date.now()}.png`;
  await uploads.upload([
    { name, mimeType: "image/png", buffer: await png(1600, 800) },
    { name: "notes.png", mimeType: "image/png", buffer: Buffer.from("this is text pretending to be a png") },
  ]);
  await expect(page.locator("[data-alert=error]")).toContainText("notes.png: That file is not an image Kiln can read.");
  const tile = uploads.tile(name);
  await expect(tile).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await expect(tile).toContainText("1600×800");
  const thumb = tile.getByRole("img", { name });
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  await expect(uploads.tile("notes.png")).toHaveCount(0);

  // The blob route serves the rendition only to signed-in users, with caching headers.
  const src = (await thumb.getAttribute("src"))!;
  const res = await page.request.get(src);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/webp");
  expect(res.headers()["cache-control"]).toContain("immutable");
  const again = await page.request.get(src, { headers: { "if-none-match": res.headers()["etag"]! } });
  expect(again.status()).toBe(304);
  await page.context().clearCookies();
  expect((await page.request.get(src)).status()).toBe(401);
});

test("roles: a reviewer sees uploads but cannot upload; finance has no uploads area", async ({
  page,
  browser,
  consoleWatch,
}) => {
  consoleWatch.allow(/status of 403 \(Forbidden\) — http:\/\/[^/]+\/uploads:/, "finance's deliberate visit to Uploads");
  await new SignInPage(page).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  await new UploadsPage(page).goto();
  await expect(new UploadsPage(page).uploadButton()).toHaveCount(0);
  const res = await page.request.post("/api/uploads", {
    headers: fromApp(page),
    multipart: { file: { name: "x.png", mimeType: "image/png", buffer: await png(10, 10) } },
  });
  expect(res.status()).toBe(403);

  const ctx = await browser.newContext();
  const finance = await ctx.newPage();
  await new SignInPage(finance).signInAndWait(DEMO.finance.email, DEMO.finance.password, DEMO.finance.name);
  expect((await finance.goto("/uploads"))?.status()).toBe(403);
  await ctx.close();
});

test("an admin follows the background run: steps, output, and the run list", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/admin/runs?status=completed");
  const row = page.getByTestId("run-row").filter({ hasText: "Upload renditions" }).first();
  await expect(row).toBeVisible();
  await row.getByRole("link").click();
  await expect(page.getByTestId("run-status")).toHaveText("completed");
  // The safety check, two renditions, marking the upload ready (it becomes an asset), and requesting its checks.
  await expect(page.getByTestId("run-step")).toHaveCount(5);
  await expect(page.getByTestId("run-step").filter({ hasText: "request-checks" })).toHaveCount(1);
  await expect(page.getByTestId("run-step").filter({ hasText: "safety-check" })).toContainText('"allowed": true');
  await expect(page.getByTestId("run-step").filter({ hasText: "render-thumb" })).toContainText("thumb-320.webp");
});
