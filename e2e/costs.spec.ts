import { readFile } from "node:fs/promises";
import { waitForBatchSettled } from "./support/batches";
import { approveWaiting } from "./support/review";
import { expect, test } from "./support/test";
import { Console } from "./pages/console";
import { CostsPage } from "./pages/costs-page";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { DEMO } from "./support/users";

test("finance opens Costs, filters by a campaign, reads the figures and downloads them as CSV", async ({
  page,
  browser,
  consoleWatch,
}) => {
  test.setTimeout(180_000);
  // Signing out from the job page while its thumbnails still load: those sent after the cookie is gone answer 401.
  consoleWatch.allow(
    /status of 401 \(Unauthorized\) — http:\/\/localhost:\d+\/api\/blobs\/generations\//,
    "thumbnails requested during sign-out",
  );
  const campaign = `Spring launch ${Date.now().toString(36)}`;

  // A designer makes the work through the product: two draft images.
  const signIn = new SignInPage(page);
  await signIn.signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const generate = new GeneratePage(page);
  await generate.goto();
  await generate.pickPreset(/Draft/);
  await page.getByLabel("Product name").fill("Stoneware jug");
  await page.getByLabel("Campaign (optional)").fill(campaign);
  await page.getByLabel("Variants per row").fill("2");
  await expect(page.getByTestId("estimate-images")).toHaveText("2");
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  await new JobPage(page).waitUntilDone(2);
  // A reviewer approves what the checks left waiting (see approveWaiting), so the figures below are
  // the same whichever way the checks went.
  const batchId = page.url().match(/\/jobs\/([0-9a-f-]{36})/)![1]!;
  const rows = await waitForBatchSettled(page, batchId);
  const waiting = rows.filter((r) => r.check?.status === "in_review").map((r) => r.check!.assetId);
  await approveWaiting(browser, campaign, waiting);
  await new Console(page).signOut();

  await signIn.signInAndWait(DEMO.finance.email, DEMO.finance.password, DEMO.finance.name);
  const costs = new CostsPage(page);
  await costs.goto();
  await costs.filterBy("Campaign", campaign);
  await expect(page).toHaveURL(/campaign=Spring/);
  // Decisions reach the figures through the rollup: the page shows them once it has them.
  await expect(async () => {
    await page.reload();
    await expect(costs.tile("approved")).toHaveText("2", { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await expect(costs.tile("spend")).toHaveText("$0.004");
  await expect(costs.tile("cpu")).toHaveText("$0.002");
  await expect(costs.tile("reject")).toHaveText("0.0 %");
  await expect(costs.tile("retry")).toHaveText("0.0 %");
  // For a person to look at the page: KILN_E2E_SCREENSHOTS=/some/dir.
  const shots = process.env.KILN_E2E_SCREENSHOTS;
  if (shots) await page.screenshot({ path: `${shots}/costs-finance.png`, fullPage: true });

  // The campaign table and its CSV.
  await page.getByRole("navigation", { name: "Group by" }).getByRole("link", { name: "Campaign" }).click();
  await expect(page.getByTestId("cost-group-table")).toContainText(campaign);
  const [download] = await Promise.all([page.waitForEvent("download"), costs.exportLink("campaign").click()]);
  expect(download.suggestedFilename()).toMatch(/^kiln-costs-campaign-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe(
    '"campaign","spend_usd","spend_micros","calls","approved","rejected","cost_per_usable_usd","cost_per_usable_micros","reject_rate","retry_rate"',
  );
  expect(lines.slice(1)).toEqual([`"${campaign}","0.004000",4000,2,2,0,"0.002000",2000,0,0`]);

  // Finance has no Operations tab; an admin does, with the same work counted.
  await expect(page.getByRole("link", { name: "Operations" })).toHaveCount(0);
  await new Console(page).signOut();
  await signIn.signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/costs/operations");
  await expect(page.getByTestId("ops-latency")).toContainText("Kiln GPU simulator");
  await expect(page.getByTestId("ops-stat-finished")).not.toHaveText("0");
  if (shots) await page.screenshot({ path: `${shots}/costs-operations.png`, fullPage: true });
});
