import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { readZipEntries } from "@/lib/exports/read-zip";
import { LibraryPage } from "./pages/library-page";
import { SignInPage } from "./pages/sign-in-page";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { approveWaiting } from "./support/review";
import { expect, fromApp, test } from "./support/test";
import { DEMO } from "./support/users";

/**
 * The browser test: a designer's campaign has approved assets with confirmed alt text; the
 * designer selects all results of `campaign:"…" status:approved` in the library, exports them for
 * the Meta and Google placements as JPEG and WebP, watches the progress finish, downloads the ZIP,
 * and the test opens it: every file's format and size, no EXIF/GPS, the manifest's rows, sha256 and
 * alt text.
 *
 * The designer writes the alt text on the asset page's card (and the rest through the route it calls).
 */

test("a designer exports a campaign's approved assets for Meta and Google, downloads the ZIP, and every file checks out", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  const word = `zq${Date.now()
    .toString(36)
    .replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;
  const campaign = `Delivery ${word}`;
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  // Support-tier images wait for a reviewer (drafts are never exported).
  const batchId = await queueBatchViaApi(page, {
    preset: /Support/,
    productName: `Linen shirt ${word}`,
    variants: 3,
    campaign,
  });
  const rows = await waitForBatchSettled(page, batchId, 60_000);
  const inReview = rows.filter((r) => r.check?.status === "in_review").map((r) => r.check!.assetId);
  expect(inReview.length, "support images wait for review").toBeGreaterThanOrEqual(2);

  {
    // A reviewer approves all but one; the unapproved one must not be exported.
    const [pending, ...toApprove] = inReview;
    await approveWaiting(browser, campaign, toApprove);
    const approvedIds = toApprove;
    const altText = (id: string) => `A linen shirt ${id.slice(0, 8)} folded on a chair`;
    // The designer writes and confirms the alt text: the first on the asset page's card…
    const [first, ...rest] = approvedIds;
    await page.goto(`/assets/${first}`);
    const card = page.getByTestId("alt-text-card");
    await card.getByLabel("Alt text").fill(altText(first!));
    await card.getByRole("button", { name: "Confirm alt text" }).click();
    await expect(card.getByText("Alt text confirmed.")).toBeVisible();
    // …the others through the route the card calls.
    for (const id of rest) {
      const res = await page.request.put(`/api/assets/${id}/alt-text`, {
        headers: fromApp(page),
        data: { text: altText(id), confirm: true },
      });
      expect(res.status(), await res.text()).toBe(200);
    }

    // The library: the campaign's approved assets, select all results, Export.
    const library = new LibraryPage(page);
    await library.goto();
    await library.search(`campaign:"${campaign}" status:approved`);
    await library.expectTotal(approvedIds.length);
    await library.tiles().first().getByTestId("tile-select").click();
    if (approvedIds.length > 1) await page.getByTestId("select-all").click();
    await page.getByTestId("export-open").click();
    const dialog = page.getByTestId("export-dialog");
    await dialog.getByRole("checkbox", { name: "All Meta placements" }).check();
    await dialog.getByRole("checkbox", { name: "All Google placements" }).check();
    await dialog.getByRole("checkbox", { name: "JPEG" }).check(); // WebP is on by default
    const metaAndGoogle = await page.request
      .get("/api/exports/placements")
      .then(
        async (r) =>
          ((await r.json()) as { placements: { slug: string; channel: string; width: number; height: number }[] })
            .placements,
      );
    const chosen = metaAndGoogle.filter((p) => p.channel === "meta" || p.channel === "google");
    const files = approvedIds.length * chosen.length * 2;
    await expect(dialog.getByTestId("export-count")).toHaveText(
      `${files} files from ${approvedIds.length} asset${approvedIds.length === 1 ? "" : "s"}`,
    );
    await page.screenshot({ path: "/tmp/delivery-dialog.png" });
    await dialog.getByTestId("export-submit").click();

    // Progress, then the download.
    await page.waitForURL(/\/exports\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("export-download")).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId("export-files")).toHaveText(`${files} / ${files} files`);
    await expect(page.getByTestId("export-expiry")).toContainText("Available until");
    await page.screenshot({ path: "/tmp/delivery-progress.png", fullPage: true });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
    expect(download.suggestedFilename()).toMatch(/^kiln-export-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.zip$/);
    const entries = await readZipEntries(await readFile((await download.path())!));

    const images = entries.filter((e) => e.name.includes("/"));
    expect(images).toHaveLength(files);
    const size = new Map(chosen.map((p) => [p.slug, [p.width, p.height]]));
    for (const e of images) {
      const [folder, name] = e.name.split("/");
      const m = await sharp(e.data).metadata();
      expect(m.format, e.name).toBe(name!.endsWith(".jpg") ? "jpeg" : "webp");
      expect([m.width, m.height], e.name).toEqual(size.get(folder!));
      expect(m.exif, `${e.name} has no EXIF (so no GPS)`).toBeUndefined();
    }
    const manifest = entries
      .find((e) => e.name === "manifest.csv")!
      .data.toString("utf8")
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    const header = manifest[0]!.split(",").map((h) => h.replace(/"/g, ""));
    const col = (line: string, name: string) =>
      (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((c) => c.replace(/,$/, "").replace(/^"|"$/g, ""))[
        header.indexOf(name)
      ];
    expect(manifest).toHaveLength(files + 1);
    for (const line of manifest.slice(1)) {
      const entry = images.find((e) => e.name === col(line, "file"))!;
      expect(col(line, "sha256")).toBe(createHash("sha256").update(entry.data).digest("hex"));
      expect(col(line, "alt_text")).toBe(altText(col(line, "asset_id")!));
      expect(approvedIds).toContain(col(line, "asset_id"));
    }
    const heldBack = entries.find((e) => e.name === "held-back.csv")!.data.toString("utf8");
    expect(heldBack).not.toContain(pending!); // not approved: the query did not select it at all
  }
});
