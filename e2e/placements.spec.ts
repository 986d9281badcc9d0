import type { Page } from "@playwright/test";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { expect, test } from "./support/test";
import { DEMO } from "./support/users";

test("an admin adds a custom placement with a safe zone and sees it listed; a taken slug is refused", async ({
  page,
  consoleWatch,
}) => {
  consoleWatch.allow(
    /status of 409 \(Conflict\) — http:\/\/[^/]+\/api\/admin\/placements:/,
    "the deliberate duplicate slug",
  );
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Placements" }).click();
  await expect(page).toHaveURL(/\/admin\/placements$/);
  await expect(page.getByRole("heading", { name: "TikTok" })).toBeVisible();
  await expect(page.getByTestId("placement-meta-stories-reels")).toContainText("1080×1920");
  await expect(page.getByTestId("placement-meta-stories-reels")).toContainText("9:16");

  const slug = `pin-${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "Add placement" }).click();
  const form = page.getByRole("form", { name: "New placement" });
  await form.getByLabel("Name").fill("Pinterest pin 2:3");
  await form.getByLabel("Slug").fill("meta-link");
  await form.getByLabel("Width (px)").fill("1000");
  await form.getByLabel("Height (px)").fill("1500");
  await expect(form).toContainText("Aspect 2:3");
  await form.getByLabel("Safe zone bottom (%)").fill("20");
  // The live preview draws the shape and its safe zone as it is typed.
  await expect(form.getByRole("img", { name: /Preview: 2:3 with its safe zone/ })).toBeVisible();
  await form.screenshot({ path: "test-results/placements-form.png" });
  await form.getByRole("button", { name: "Add placement" }).click();
  await expect(page.locator("[data-alert=error]")).toContainText("“meta-link” is already used");
  await expect(form.locator("#slug-error")).toHaveText("Already in use.");

  await form.getByLabel("Slug").fill(slug);
  await form.getByRole("button", { name: "Add placement" }).click();
  await expect(page.locator("[data-alert=success]")).toContainText("“Pinterest pin 2:3” added.");
  const row = page.getByTestId(`placement-${slug}`);
  await expect(row).toContainText("1000×1500");
  await expect(row).toContainText("2:3");
  await expect(row).toContainText("bottom 20%");
  // Listed under Custom (the section after the TikTok heading).
  await expect(page.getByRole("region", { name: "Custom" }).getByTestId(`placement-${slug}`)).toBeVisible();
  await page.screenshot({ path: "test-results/placements-admin.png", fullPage: true });

  // Archive and restore.
  await row.getByRole("button", { name: "Archive Pinterest pin 2:3" }).click();
  await expect(page.getByRole("region", { name: "Archived" }).getByTestId(`placement-${slug}`)).toBeVisible();
  await page
    .getByRole("region", { name: "Archived" })
    .getByRole("button", { name: "Restore Pinterest pin 2:3" })
    .click();
  await expect(page.getByRole("region", { name: "Custom" }).getByTestId(`placement-${slug}`)).toBeVisible();
});

async function backgroundPosition(page: Page, slug: string): Promise<string> {
  return page.getByTestId(`crop-image-${slug}`).evaluate((el) => getComputedStyle(el).backgroundPosition);
}

test("a designer moves the focal point on an asset and every crop follows; the point survives a reload", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill(`Focal mug ${Date.now()}`);
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  await new JobPage(page).waitUntilDone(1);
  await page
    .getByRole("link", { name: /Open asset/ })
    .first()
    .click();
  await expect(page).toHaveURL(/\/assets\/[0-9a-f-]{36}$/);

  const panel = page.locator("section", { has: page.getByRole("heading", { name: "Placements", exact: true }) });
  await expect(panel.getByTestId("focal-mode")).toHaveText("Automatic (attention)");
  await expect(panel.getByRole("button", { name: "Reset to automatic" })).toHaveCount(0);
  // Every active placement has a crop tile, named and sized.
  await expect(panel.getByTestId("crop-meta-stories-reels")).toContainText("Meta Stories & Reels 9:16");
  await expect(panel.getByTestId("crop-meta-stories-reels")).toContainText("1080×1920");
  await expect(panel.getByTestId("crop-google-leaderboard")).toContainText("728×90");
  await expect(panel.locator("[data-testid^=crop-image-]")).toHaveCount(
    await panel.locator("figure[data-testid^=crop-]").count(),
  );
  // The 9:16 placements carry their safe zone; the toggle hides and shows it.
  await expect(panel.getByTestId("safe-zone-meta-stories-reels")).toBeVisible();
  await expect(panel.getByTestId("safe-zone-tiktok-in-feed")).toBeVisible();
  await panel.getByLabel("Show safe zones").uncheck();
  await expect(panel.getByTestId("safe-zone-meta-stories-reels")).toHaveCount(0);
  await panel.getByLabel("Show safe zones").check();
  await expect(panel.getByTestId("safe-zone-meta-stories-reels")).toBeVisible();

  // The preview's image is loaded (the crops are drawn from it).
  await expect
    .poll(() =>
      panel
        .locator("[data-testid=focal-surface] img")
        .evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0),
    )
    .toBe(true);
  const before = await backgroundPosition(page, "meta-stories-reels");
  const beforeBanner = await backgroundPosition(page, "google-leaderboard");

  // Click near the edge the automatic crop is farthest from (attention may already have put it at
  // one edge, depending on the picture): the tall crop moves to that side, the wide banner up or down.
  const toRight = before.split(" ")[0] === "0%";
  const toTop = beforeBanner.split(" ")[1] === "100%";
  const surface = panel.getByTestId("focal-surface");
  const box = (await surface.boundingBox())!;
  await surface.click({ position: { x: box.width * (toRight ? 0.9 : 0.1), y: box.height * (toTop ? 0.15 : 0.85) } });
  await expect(panel.getByTestId("focal-mode")).toHaveText("Set by hand");
  await expect(panel.getByRole("status")).toHaveText("Focal point saved.");
  const after = await backgroundPosition(page, "meta-stories-reels");
  expect(after).not.toBe(before);
  expect(after.split(" ")[0]).toBe(toRight ? "100%" : "0%"); // the crop reached that edge
  expect(await backgroundPosition(page, "google-leaderboard")).not.toBe(beforeBanner);
  await page.screenshot({ path: "test-results/placements-asset.png", fullPage: true });

  // Arrow keys move it too (1 % a press).
  const x0 = Number(await surface.getAttribute("data-focal-x"));
  await surface.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect.poll(async () => Number(await surface.getAttribute("data-focal-x"))).toBeCloseTo(x0 + 0.02, 3);
  // Saved once, after a short pause (a held key sends one request); "Saving…" until then.
  await expect(panel.getByRole("status")).toHaveText("Focal point saved.");

  // A reload keeps it.
  await page.reload();
  await expect(panel.getByTestId("focal-mode")).toHaveText("Set by hand");
  expect(Number(await surface.getAttribute("data-focal-x"))).toBeCloseTo(x0 + 0.02, 3);
  expect(await backgroundPosition(page, "meta-stories-reels")).toBe(after);

  // Back to automatic.
  await panel.getByRole("button", { name: "Reset to automatic" }).click();
  await expect(panel.getByRole("status")).toHaveText("Back to automatic.");
  await expect(panel.getByTestId("focal-mode")).toHaveText("Automatic (attention)");
  await page.reload();
  await expect(panel.getByTestId("focal-mode")).toHaveText("Automatic (attention)");
  expect(await backgroundPosition(page, "meta-stories-reels")).toBe(before);
});
