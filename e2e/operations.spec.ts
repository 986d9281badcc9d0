import sharp from "sharp";
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { UploadsPage } from "./pages/uploads-page";
import { DEMO } from "./support/users";

const png = () =>
  sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 180, g: 60, b: 40 } } })
    .png()
    .toBuffer();

async function signedIn(browser: Browser, who: (typeof DEMO)[keyof typeof DEMO]): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await new SignInPage(page).signInAndWait(who.email, who.password, who.name);
  return page;
}

async function flip(admin: Page, key: "uploads_disabled" | "generation_paused", on: { reason: string } | null) {
  await admin.goto("/admin/operations");
  await expect(admin.getByRole("heading", { name: "Operations" })).toBeVisible();
  const row = admin.getByTestId(`switch-${key}`);
  if (on) {
    await row.getByLabel("Reason shown to users").fill(on.reason);
    await row
      .getByRole("button", { name: key === "uploads_disabled" ? "Disable uploads" : "Pause all generation" })
      .click();
  } else {
    await row
      .getByRole("button", { name: key === "uploads_disabled" ? "Enable uploads" : "Resume generation" })
      .click();
  }
  await expect(row.locator("[data-alert=success]")).toBeVisible();
}

test("an admin disables uploads: the designer sees why in the banner and the upload is refused; re-enabled, it works", async ({
  browser,
  consoleWatch,
}) => {
  test.setTimeout(120_000);
  consoleWatch.allow(
    /status of 422 \(Unprocessable Entity\) — http:\/\/[^/]+\/api\/uploads:/,
    "the upload refused while uploads are off",
  );
  const reason = `Storage migration ${Date.now().toString(36)}`;
  const admin = await signedIn(browser, DEMO.admin);
  await expect(admin.getByRole("link", { name: "Operations" }).first()).toBeVisible();
  let enabled = false;
  try {
    await flip(admin, "uploads_disabled", { reason });
    await expect(admin.getByTestId("status-banner")).toContainText(`Uploads are switched off: ${reason}.`);
    await admin.screenshot({ path: "/tmp/switches-admin-operations.png", fullPage: true });

    const designer = await signedIn(browser, DEMO.designer);
    const uploads = new UploadsPage(designer);
    await uploads.goto();
    const banner = designer.getByTestId("status-banner");
    await expect(banner).toContainText(`Uploads are switched off: ${reason}.`);
    // Designers are not sent to the admin page.
    await expect(banner.getByRole("link", { name: "Operations" })).toHaveCount(0);
    await uploads.upload([{ name: "refused.png", mimeType: "image/png", buffer: await png() }]);
    await expect(designer.locator("[data-alert=error]")).toContainText(
      `Uploads are switched off by an admin: ${reason}`,
    );
    await expect(uploads.tile("refused.png")).toHaveCount(0);
    await designer.screenshot({ path: "/tmp/switches-designer-banner.png", fullPage: true });

    await flip(admin, "uploads_disabled", null);
    enabled = true;
    await designer.reload();
    await expect(designer.getByRole("heading", { name: "Uploads" })).toBeVisible();
    await expect(designer.getByText(`Uploads are switched off: ${reason}.`)).toHaveCount(0);
    const name = `after-${Date.now()}.png`;
    await uploads.upload([{ name, mimeType: "image/png", buffer: await png() }]);
    await expect(uploads.tile(name)).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  } finally {
    if (!enabled) await flip(admin, "uploads_disabled", null).catch(() => {});
  }
});

test("an admin pauses all generation: a batch queued meanwhile waits, saying why; resumed, it finishes", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const reason = `Provider incident ${Date.now().toString(36)}`;
  const admin = await signedIn(browser, DEMO.admin);
  const designer = await signedIn(browser, DEMO.designer);
  let resumed = false;
  try {
    await flip(admin, "generation_paused", { reason });
    const generate = new GeneratePage(designer);
    await generate.goto();
    await expect(designer.getByTestId("status-banner")).toContainText(
      `All generation is paused: ${reason}. New batches can be queued`,
    );
    await designer.getByLabel("Product name").fill("Paused kiln jug");
    await expect(designer.getByTestId("estimate-images")).toHaveText("1");
    await generate.queueButton().click();
    await expect(designer).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
    await expect(designer.getByTestId("batch-waiting")).toContainText(
      `Waiting: an admin paused all generation (${reason})`,
    );
    await expect(designer.getByTestId("batch-waiting")).toContainText("when an admin resumes generation");
    // It really waits: a few seconds on, still nothing done.
    await designer.waitForTimeout(4_000);
    await expect(designer.getByTestId("batch-counts")).toContainText("0 done");
    await designer.screenshot({ path: "/tmp/switches-batch-waiting.png", fullPage: true });

    await flip(admin, "generation_paused", null);
    resumed = true;
    await new JobPage(designer).waitUntilDone(1, 120_000);
    await expect(designer.getByTestId("batch-waiting")).toHaveCount(0);
  } finally {
    if (!resumed) await flip(admin, "generation_paused", null).catch(() => {});
  }
});

test("an admin pauses a campaign by hand: everyone sees it in the banner; releasing it clears it", async ({
  browser,
}) => {
  const campaign = `Hand pause ${Date.now().toString(36)}`;
  const admin = await signedIn(browser, DEMO.admin);
  await admin.goto("/admin/operations");
  const form = admin.getByTestId("campaign-pause-form");
  await form.getByLabel("Campaign").fill(campaign);
  await form.getByLabel("Why (everyone sees it)").fill("Legal review of the claims");
  await form.getByRole("button", { name: "Pause campaign" }).click();
  await expect(form.locator("[data-alert=success]")).toContainText(`Campaign “${campaign}” paused`);
  await expect(admin.getByTestId("holds")).toContainText(campaign);

  const designer = await signedIn(browser, DEMO.designer);
  await designer.goto("/jobs");
  await expect(designer.getByTestId("status-banner")).toContainText(
    `Campaign “${campaign}” is paused by hand: Legal review of the claims. Its queued work waits.`,
  );

  await admin
    .getByTestId("holds")
    .locator("li", { hasText: campaign })
    .getByRole("button", { name: "Release" })
    .click();
  await admin.getByTestId("confirm-dialog").getByRole("button", { name: "Release" }).click();
  await expect(admin.getByTestId("holds").locator("li", { hasText: campaign })).toHaveCount(0);
  await designer.reload();
  await expect(designer.getByRole("heading", { name: "Jobs" })).toBeVisible();
  await expect(designer.getByText(`Campaign “${campaign}”`)).toHaveCount(0);
});
