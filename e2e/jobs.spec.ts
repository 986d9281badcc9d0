import { expect, test } from "./support/test";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { setSimulator } from "./support/simulator";
import { DEMO } from "./support/users";

test.beforeEach(async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
});
test.afterEach(async ({ request }) => {
  await setSimulator(request, { latencyMs: 0, errorRate: 0 });
});

async function queue(page: import("@playwright/test").Page, product: string, variants: number) {
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill(product);
  await page.getByLabel("Variants per row").fill(String(variants));
  await expect(page.getByTestId("estimate-images")).toHaveText(String(variants));
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
}

test("a running batch can be cancelled; what was made is kept, nothing else runs", async ({ page, request }) => {
  await setSimulator(request, { latencyMs: 3000 });
  await queue(page, "Slow ceramic vase", 8);
  // The engine is working on it: the page says so and offers no Resume (only a stalled batch does).
  await expect(page.getByTestId("batch-counts")).toContainText(/(^|\D)[1-9]\d* running/, { timeout: 30_000 });
  await expect(page.getByText("running", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Resume" })).toHaveCount(0);
  await expect(page.getByTestId("batch-counts")).toContainText("8 images");
  await page.getByRole("button", { name: "Cancel batch" }).click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Cancel batch" }).click();
  await expect(page.getByText("cancelled", { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("batch-counts")).toContainText("cancelled");
  await expect(page.getByRole("button", { name: "Cancel batch" })).toHaveCount(0);
});

test("failed rows are dead-lettered with a reason and come back with one click", async ({ page, request }) => {
  test.setTimeout(120_000);
  await setSimulator(request, { errorRate: 1 });
  await queue(page, "Unlucky teapot", 1);
  const job = new JobPage(page);
  // Four retries with backoff, then the row is parked with the reason it failed.
  await expect(page.getByTestId("batch-counts")).toContainText("1 failed", { timeout: 90_000 });
  // The reason in words; the code stays in the tooltip.
  const reason = job.tiles().first().getByTestId("generation-error");
  await expect(reason).toHaveText("The GPU endpoint kept failing (retries used up)");
  await expect(reason).toHaveAttribute("title", "provider_failed");
  await setSimulator(request, { errorRate: 0 });
  await page.getByRole("button", { name: "Retry 1 failed" }).click();
  await job.waitUntilDone(1);
  await job.expectThumbnailsLoaded(1);
});
