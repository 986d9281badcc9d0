import { expect, fromApp, test } from "./support/test";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { DEMO } from "./support/users";

test.beforeEach(async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
});

test("one prompt: the designer sees the estimate, queues, and watches the images arrive", async ({ page }) => {
  const generate = new GeneratePage(page);
  await generate.goto();
  await expect(generate.queueButton()).toBeDisabled(); // the required product name is empty
  await page.getByLabel("Product name").fill("Linen tote bag");
  await page.getByLabel("Variants per row").fill("2");
  await page.getByLabel("16:9").check();
  await expect(page.getByTestId("estimate-images")).toHaveText("4");
  await expect(page.getByTestId("estimate-cost")).toContainText("$0.008");
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
  await expect(page.getByTestId("generation-title").getByText("Product 2 SKU-2", { exact: true })).toBeVisible();

  // The reviewer sees the product title and its SKU in the queue and the detail.
  const reviewerCtx = await browser.newContext();
  const reviewer = await reviewerCtx.newPage();
  await new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  const item = reviewer.getByTestId("review-item").filter({ has: reviewer.getByTestId("review-item-title").getByText("Product 1 SKU-1", { exact: true }) });
  await expect(async () => {
    await reviewer.goto("/review");
    await expect(item.first()).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await item.first().click();
  await expect(reviewer.getByTestId("review-title")).toHaveText("Product 1 SKU-1");
  await expect(reviewer.getByTestId("review-current").getByTestId("product-metadata")).toContainText("SKU-1");
  await reviewerCtx.close();
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
