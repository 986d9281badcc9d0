import { readFileSync } from "node:fs";
import { expect, fromApp, test } from "./support/test";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { DEMO } from "./support/users";

test.beforeEach(async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
});

test("one prompt: the designer sees the estimate, queues, and watches the images arrive", async ({ page }) => {
  // Opening the page must not send an estimate the server has to refuse (the required field is empty).
  const refusedEstimates: number[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/batches/estimate") && r.status() >= 400) refusedEstimates.push(r.status());
  });
  const generate = new GeneratePage(page);
  await generate.goto();
  await expect(generate.queueButton()).toBeDisabled(); // the required product name is empty
  await expect(page.getByTestId("estimate-hint")).toHaveText("Fill in Product name to see the estimate.");
  // Every tier card is priced in one unit, per image.
  for (const card of await page.getByRole("radiogroup", { name: "Preset" }).locator("label").all())
    await expect(card).toContainText("per image");
  await page.waitForLoadState("networkidle");
  expect(refusedEstimates).toEqual([]);
  await page.getByLabel("Product name").fill("Linen tote bag");
  await page.getByLabel("Variants per row").fill("2");
  await page.getByLabel("16:9").check();
  await expect(page.getByTestId("estimate-images")).toHaveText("4");
  await expect(page.getByTestId("estimate-cost")).toContainText("$0.008");
  await expect(page.getByTestId("estimate-per-image")).toHaveText("$0.002 per image");
  await expect(generate.estimate()).toContainText("professional product photo of Linen tote bag");
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  const job = new JobPage(page);
  await job.waitUntilDone(4);
  await job.expectThumbnailsLoaded(4);
  await expect(page.getByTestId("batch-spent")).toHaveText("$0.008");
});

test("a double submit queues once", async ({ page }) => {
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill("Double click kettle");
  await page.getByLabel("Batch name (optional)").fill("double-submit-check");
  await expect(page.getByTestId("estimate-images")).toHaveText("1");
  await generate.queueButton().dblclick();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  await page.goto("/jobs");
  await expect(page.getByTestId("batch-item").filter({ hasText: "double-submit-check" })).toHaveCount(1);

  // The API itself: the same key twice answers with the same batch.
  const body = {
    templateId: "",
    presetId: "",
    variantsPerRow: 1,
    aspectRatios: ["1:1"],
    rows: [{ line: 1, values: { product_name: "Kettle" } }],
    idempotencyKey: `api-key-${Date.now()}`,
  };
  await page.goto("/generate");
  body.templateId = await page.getByLabel("Prompt template").inputValue();
  body.presetId = await page
    .getByRole("radio", { checked: true })
    .getAttribute("value")
    .then((v) => v!);
  const first = await (await page.request.post("/api/batches", { data: body, headers: fromApp(page) })).json();
  const second = await (await page.request.post("/api/batches", { data: body, headers: fromApp(page) })).json();
  expect(first.created).toBe(true);
  expect(second).toMatchObject({ created: false, batch: { id: first.batch.id } });
});

test("a CSV of 50 rows: columns mapped, bad rows flagged by line, the rest generated with thumbnails and titled by product and SKU", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const generate = new GeneratePage(page);
  await generate.goto();
  // Row 1 is support tier (checks, then review); the rest take the batch's draft tier.
  const lines = ["sku;Product name;Material;background;tier"];
  for (let i = 1; i <= 50; i += 1) {
    const name = i === 12 ? "" : `Product ${i}`;
    const background = i === 30 ? "moon surface" : i % 2 ? "white" : "pastel";
    lines.push(`SKU-${i};${name};"cotton; organic";${background};${i === 1 ? "support" : ""}`);
  }
  await generate.uploadCsv("products.csv", `\uFEFF${lines.join("\r\n")}\r\n`);
  await expect(page.getByTestId("csv-summary")).toContainText("50 rows, 5 columns");
  await expect(page.getByLabel("Column for Product name")).toHaveValue("Product name");
  // The SKU column feeds no variable: it is carried as metadata and names the assets with the product.
  await expect(page.getByTestId("csv-carried-column")).toHaveText(["sku"]);
  await expect(page.getByTestId("csv-preview-title").first()).toHaveText("Product 1 SKU-1");
  await expect(page.getByTestId("csv-valid")).toContainText("48 rows ready");
  await expect(page.getByTestId("csv-errors")).toContainText("Line 13:");
  await expect(page.getByTestId("csv-errors")).toContainText("Line 31:");
  await expect(page.getByTestId("estimate-images")).toHaveText("48");
  await generate.queueButton().click();
  const job = new JobPage(page);
  const done = await job.waitUntilDone(48, 120_000);
  await job.expectThumbnailsLoaded(done, { atLeast: true });
  // .first(): a draft the checks reject is re-rolled under the same title, so the row can show twice.
  await expect(
    page.getByTestId("generation-title").getByText("Product 2 SKU-2", { exact: true }).first(),
  ).toBeVisible();

  // The reviewer sees the product title and its SKU in the queue and the detail.
  const reviewerCtx = await browser.newContext();
  const reviewer = await reviewerCtx.newPage();
  await new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  const item = reviewer
    .getByTestId("review-item")
    .filter({ has: reviewer.getByTestId("review-item-title").getByText("Product 1 SKU-1", { exact: true }) });
  await expect(async () => {
    await reviewer.goto("/review");
    await expect(item.first()).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await item.first().click();
  await expect(reviewer.getByTestId("review-title")).toHaveText("Product 1 SKU-1");
  await expect(reviewer.getByTestId("review-current").getByTestId("product-metadata")).toContainText("SKU-1");
  await reviewerCtx.close();
});

test("a CSV whose background column is off the template's list: values mapped, rows left out, listed on the job page with an error CSV", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const generate = new GeneratePage(page);
  await generate.goto();
  // The file, small: "studio grey" and "Cream" are not Background options; "Color" means Colour.
  const lines = [
    "Product name,Color,background,SKU",
    "Mug,red,studio grey,KLN-1",
    "Bowl,blue,studio grey,KLN-2",
    "Plate,green,studio grey,KLN-3",
    "Cup,white,Cream,KLN-4",
    "Jug,black,white,KLN-5",
    "Vase,grey,moon surface,KLN-6",
  ];
  await generate.uploadCsv("merch.csv", `${lines.join("\n")}\n`);
  await expect(page.getByTestId("csv-summary")).toContainText("6 rows, 4 columns");
  await expect(page.getByLabel("Column for Colour")).toHaveValue("Color");
  await expect(page.getByLabel("Column for Background")).toHaveValue("background");
  // One line per distinct problem, not one per row.
  await expect(page.getByTestId("csv-error-group")).toHaveText([
    '3 rows (lines 2–4): Background: "studio grey" is not one of the allowed values (white, light grey, pastel, lifestyle kitchen, lifestyle living room, outdoor) (column "background").',
    'Line 5: Background: "Cream" is not one of the allowed values (white, light grey, pastel, lifestyle kitchen, lifestyle living room, outdoor) (column "background").',
    'Line 7: Background: "moon surface" is not one of the allowed values (white, light grey, pastel, lifestyle kitchen, lifestyle living room, outdoor) (column "background").',
  ]);
  const offList = page.getByTestId("csv-off-list");
  await expect(offList).toContainText("Column “background” has 3 values (5 rows) that Background does not allow");
  await expect(offList.getByRole("button", { name: "Unmap this column (use the default)" })).toBeVisible();
  await page.getByLabel("Map “studio grey” of background").selectOption({ label: "light grey" });
  await page.getByLabel("Map “Cream” of background").selectOption({ label: "ignore the row" });
  await expect(page.getByTestId("csv-off-list-progress")).toContainText("2 of 3 mapped");
  await expect(page.getByTestId("csv-valid")).toContainText("4 rows ready");
  await expect(page.getByTestId("csv-valid")).toContainText("2 rows are left out");
  await expect(page.getByTestId("csv-carried-column")).toHaveText([/^SKU/]);
  await expect(page.getByTestId("estimate-images")).toHaveText("4");
  await page.getByTestId("csv-off-list").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/csvmap-mapping-step.png", fullPage: true });

  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  const skipped = page.getByTestId("batch-skipped");
  await expect(skipped.getByTestId("batch-skipped-count")).toHaveText("2 rows were not queued");
  await expect(skipped.getByTestId("batch-skipped-group")).toHaveText([
    'Line 5: Left out at mapping: Background value "Cream" (column "background") was set to “ignore the row”.',
    'Line 7: Background: "moon surface" is not one of the allowed values (white, light grey, pastel, lifestyle kitchen, lifestyle living room, outdoor) (column "background").',
  ]);
  await page.screenshot({ path: "/tmp/csvmap-job-skipped.png" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    skipped.getByTestId("batch-skipped-download").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^skipped-rows-[0-9a-f]{8}\.csv$/);
  const text = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const rows = text.trim().split("\r\n");
  expect(rows[0]).toBe('"Product name","Color","background","SKU","line","reason"');
  expect(rows.slice(1).map((r) => r.split(",").slice(0, 5).join(","))).toEqual([
    '"Cup","white","Cream","KLN-4",5',
    '"Vase","grey","moon surface","KLN-6",7',
  ]);
  // The mapped rows were queued with the mapped value.
  const job = new JobPage(page);
  await job.waitUntilDone(4, 120_000);
  await expect(page.getByText("on a light grey background").first()).toBeAttached();
});

test("a banned term blocks the request before any GPU time and says which category", async ({ page, browser }) => {
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await new SignInPage(admin).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await admin.goto("/admin/banned-terms");
  const form = admin.getByRole("form", { name: "Add a banned term" });
  await form.getByLabel("Term").fill("competitorco");
  await form.getByLabel("Category").selectOption("trademark");
  await form.getByRole("button", { name: "Add term" }).click();
  await expect(admin.getByTestId("banned-competitorco")).toBeVisible();
  await adminCtx.close();

  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill("C0mpetitor-Co water bottle");
  await expect(page.locator("[data-alert=error]")).toContainText("Blocked before any GPU time");
  await expect(page.locator("[data-alert=error]")).toContainText("trademark");
  await expect(generate.queueButton()).toBeDisabled();
});
