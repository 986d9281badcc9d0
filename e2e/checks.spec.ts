import { expect, test } from "./support/test";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { setSimulator } from "./support/simulator";
import { DEMO } from "./support/users";

test.afterEach(async ({ request }) => {
  await setSimulator(request, { blurRate: 0 });
});

test("the simulator's blurred outputs are auto-rejected with reason blur and re-rolled up to the preset's limit", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  await setSimulator(request, { blurRate: 1 });
  const generate = new GeneratePage(page);
  await generate.goto();
  await generate.pickPreset(/Support/);
  await page.getByLabel("Product name").fill("Blurry linen tote bag");
  await page.getByLabel("Variants per row").fill("1");
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);

  const job = new JobPage(page);
  // The first image and its two re-rolls (support-standard re-rolls twice), each rejected for blur.
  await expect(job.tiles()).toHaveCount(3, { timeout: 180_000 });
  await expect(page.locator('[data-testid="generation-tile"][data-asset-status="rejected"]')).toHaveCount(3, {
    timeout: 180_000,
  });
  for (const status of await page.getByTestId("asset-status").all())
    await expect(status).toHaveAttribute("data-reason", /blur/);
  await expect(job.tiles().nth(1)).toContainText("re-roll 1");
  await expect(job.tiles().nth(2)).toContainText("re-roll 2");
  await expect(page.getByTestId("asset-counts")).toContainText("3 rejected");
  await expect(job.tiles().first().locator('[data-check="sharpness"]')).toHaveAttribute("data-verdict", "fail");

  // The filter by check outcome narrows the grid.
  await page.getByLabel("Check outcome").selectOption("pass");
  await page.getByLabel("Check", { exact: true }).selectOption("sharpness");
  await expect(job.tiles()).toHaveCount(0);
  await page.getByLabel("Check outcome").selectOption("fail");
  await expect(job.tiles()).toHaveCount(3);
  await expect(page.getByTestId("check-filter-count")).toHaveText("3 of 3 shown");

  // The asset page explains the rejection and links the re-roll.
  await job.tiles().first().getByRole("link").click();
  await expect(page.getByTestId("check-panel")).toBeVisible();
  const sharpness = page.getByTestId("check-panel").locator('tr[data-check="sharpness"]');
  await expect(sharpness).toHaveAttribute("data-verdict", "fail");
  await expect(sharpness).toContainText("blur");
  await expect(page.getByTestId("asset-status")).toHaveAttribute("data-reason", /blur/);
  await expect(page.getByTestId("provenance")).toContainText("Blurry linen tote bag");
  await page.getByTestId("reroll-child").click();
  await expect(page.getByRole("heading", { name: /re-roll 1/ })).toBeVisible();
});

test("an admin previews a threshold change on recent assets, saves it as a preset version, and sees blocked work", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.goto("/admin/checks");
  await expect(page.getByRole("heading", { name: "Automated checks" })).toBeVisible();
  await expect(page.locator('tr[data-check="prompt_match"]')).toContainText("not configured");
  const editor = page
    .locator('[data-testid^="threshold-editor-"]')
    .filter({ has: page.getByLabel("sharpness.fail") })
    .first();
  await editor.getByLabel("sharpness.fail").fill("0");
  await editor.getByLabel("sharpness.warn").fill("0");
  await editor.getByRole("button", { name: "Preview" }).click();
  await expect(editor.getByTestId("threshold-preview")).toContainText("most recent assets would change verdict");
  await editor.getByRole("button", { name: "Save thresholds" }).click();
  await expect(editor.getByText("Saved as a new preset version")).toBeVisible();
  await page.goto("/admin/presets");
  await expect(page.getByText("sharpness.fail 0").first()).toBeVisible();

  // Back to the tier defaults (an override equal to the default is dropped), as a further version.
  await page.goto("/admin/checks");
  for (const key of ["sharpness.fail", "sharpness.warn"]) {
    const row = editor.locator("tr", { has: page.getByLabel(key) });
    await row.getByLabel(key).fill(await row.locator("td").nth(1).innerText());
  }
  await editor.getByRole("button", { name: "Save thresholds" }).click();
  await expect(editor.getByText("Saved as a new preset version")).toBeVisible();
  await expect(page.getByText("Recently blocked")).toBeVisible();
});
