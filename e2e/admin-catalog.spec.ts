import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { DEMO } from "./support/users";

async function signInAdmin(page: Page) {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
}

test("an admin edits a preset (a new version) and rolls it back with one click", async ({ page }) => {
  await signInAdmin(page);
  await page.goto("/admin/presets");
  const card = page.getByTestId("preset-support-standard");
  await expect(card.getByTestId("active-version")).toHaveText("v1 active");
  await card.getByText("Edit — creates version 2").click();
  const form = card.getByRole("form", { name: /^Edit / });
  await form.getByLabel("Steps").fill("24");
  await form.getByLabel("Note (why this change)").fill("Sharper details for social");
  await form.getByRole("button", { name: "Save as version 2" }).click();
  await expect(page.locator("[data-alert=success]").first()).toContainText("version 2");
  await expect(card.getByTestId("active-version")).toHaveText("v2 active");

  await card.getByText(/Version history/).click();
  const v1 = card.getByTestId("version-row-1");
  await v1.getByRole("button", { name: "Roll back to this version" }).click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Roll back" }).click();
  await expect(card.getByTestId("active-version")).toHaveText("v1 active");
  await expect(card.getByTestId("version-row-2")).toBeVisible();

  await page.goto("/admin/audit?action=preset.");
  await expect(page.getByText("preset.rolled_back", { exact: true })).toBeVisible();
});

test("pausing a GPU endpoint parks its work; resuming it finishes the work", async ({ page, browser }) => {
  test.setTimeout(150_000);
  await signInAdmin(page);
  await page.goto("/admin/providers");
  const row = page.getByTestId("provider-row-kiln-simulator");
  await expect(row.getByTestId("provider-simulator-badge")).toHaveText("simulator");
  await row.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("provider-test-result-kiln-simulator")).toHaveAttribute("data-ok", "true");
  await row.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Reason for pausing Kiln GPU simulator").fill("Maintenance window");
  await page.getByRole("button", { name: "Pause endpoint" }).click();
  await expect(page.getByTestId("provider-status-kiln-simulator")).toContainText("paused");

  const designerCtx = await browser.newContext();
  const designer = await designerCtx.newPage();
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const generate = new GeneratePage(designer);
  await generate.goto();
  await expect(designer.getByRole("radiogroup", { name: "Preset" })).toContainText("paused");
  await designer.getByLabel("Product name").fill("Parked lamp");
  await expect(designer.getByTestId("estimate-images")).toHaveText("1");
  await generate.queueButton().click();
  await expect(designer).toHaveURL(/\/jobs\//);
  // Parked, not failed and not dropped.
  await designer.waitForTimeout(3000);
  await expect(designer.getByTestId("batch-counts")).toContainText("0 done");
  await expect(designer.getByTestId("batch-counts")).toContainText("0 failed");

  await page.reload();
  await page.getByTestId("provider-row-kiln-simulator").getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("provider-status-kiln-simulator")).toContainText("active");
  await new JobPage(designer).waitUntilDone(1, 60_000);
  await designerCtx.close();
});
