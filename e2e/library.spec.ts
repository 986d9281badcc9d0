import type { Browser, Page } from "@playwright/test";
import { expect, fromApp, test } from "./support/test";
import { CollectionsPage } from "./pages/collections-page";
import { holdRequests } from "./support/hold-requests";
import { LibraryPage } from "./pages/library-page";
import { SignInPage } from "./pages/sign-in-page";
import { createUserAsAdmin } from "./support/admin";
import { catalogIds, queueBatch, queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { setSimulator } from "./support/simulator";
import { DEMO, type DemoRole } from "./support/users";

/** A word no other test writes, letters only so full-text search keeps it whole. */
const uniqueWord = () =>
  `zq${Date.now()
    .toString(36)
    .replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;

/** A signed-in page in its own browser context (several roles in one journey). */
async function signedIn(browser: Browser, who: { email: string; password: string; name: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await new SignInPage(page).signInAndWait(who.email, who.password, who.name);
  return page;
}
const demo = (browser: Browser, role: DemoRole) => signedIn(browser, DEMO[role]);

test.afterEach(async ({ request }) => {
  await setSimulator(request, { blurRate: 0 });
});

test("a designer finds the approved assets of one campaign by typed query and by clicking facets, and collects them", async ({
  page: designer,
}) => {
  test.setTimeout(90_000); // two batches, then about twenty filter round trips on a busy machine
  const word = uniqueWord();
  const campaign = `Library ${word}`;
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  // One campaign, two outcomes: draft images are approved by their checks alone, a support image
  // waits for a reviewer. (Approvals by a reviewer are review.spec's journey; here they only need to exist.)
  const { templateId, presetIds } = await catalogIds(designer, [/Draft/, /Support/]);
  // The support image is portrait (9:16, 576×1024), the drafts square and small (512×512): the aspect and size facets tell them apart.
  const [draftBatch, supportBatch] = [
    await queueBatch(
      designer,
      { templateId, presetId: presetIds[0]! },
      {
        productName: `Stoneware vase ${word}`,
        variants: 2,
        campaign,
        carried: { sku: `KLN-${word}`, category: "Tableware" },
      },
    ),
    await queueBatch(
      designer,
      { templateId, presetId: presetIds[1]! },
      { productName: `Stoneware bowl ${word}`, campaign, aspectRatios: ["9:16"] },
    ),
  ];
  const [draftRows, supportRows] = await Promise.all([
    waitForBatchSettled(designer, draftBatch),
    waitForBatchSettled(designer, supportBatch),
  ]);
  const rows = [...draftRows, ...supportRows];
  const drafts = draftRows.filter((r) => r.check).length;
  const supports = supportRows.filter((r) => r.check).length;
  const approved = rows.filter((r) => r.check?.status === "approved").map((r) => r.check!.assetId);
  // Draft images are approved by their checks (a rare reject is re-rolled, and its re-roll counts).
  expect(approved.length, "draft images are approved by their checks").toBeGreaterThanOrEqual(1);
  const inCampaign = rows.filter((r) => r.check).length;
  expect(inCampaign - approved.length, "the support image is not approved").toBeGreaterThanOrEqual(1);

  // By typed query.
  const library = new LibraryPage(designer);
  await library.goto();
  await library.search(`status:approved campaign:"${campaign}"`);
  await library.expectTotal(approved.length);
  await expect(library.tiles()).toHaveCount(approved.length);
  for (const id of approved) await expect(library.tile(id)).toHaveAttribute("data-status", "approved");

  // By clicking facets: each click writes its term into the query and the URL.
  await designer.getByRole("button", { name: "Clear all" }).click();
  await expect(library.chips()).toHaveCount(0);
  await library.clickFacet("campaign", campaign);
  await library.expectTotal(inCampaign);
  await library.clickFacet("status", "approved");
  await library.expectTotal(approved.length);
  await designer.screenshot({ path: "/tmp/library-facets.png" });
  await expect(library.queryBox()).toHaveValue(`campaign:"${campaign}" status:approved`);
  await expect(library.chips()).toHaveCount(2);
  await expect(library.tiles()).toHaveCount(approved.length);
  // The back button undoes the last filter.
  await designer.goBack();
  await library.expectTotal(inCampaign);
  await expect(library.facet("status", "approved")).toHaveAttribute("aria-pressed", "false");

  // Aspect ratio and size are counted facets too; a second click takes the term out again.
  await library.clickFacet("aspect", "9:16");
  await expect(designer).toHaveURL(/aspect%3A9%3A16/);
  await library.expectTotal(supports);
  await library.facet("aspect", "9:16").click();
  await library.expectTotal(inCampaign);
  await library.clickFacet("size", "<768");
  await expect(designer).toHaveURL(/size%3A%3C768/);
  await library.expectTotal(drafts);
  await expect(library.facet("aspect", "1:1")).toContainText(String(drafts));
  await library.facet("size", "<768").click();
  await library.expectTotal(inCampaign);
  // A preset's versions open under its entry, counted; one of them narrows to what that version made.
  const versions = await library.openVersions("preset", "draft-fast");
  await expect(versions).toHaveCount(1);
  const version = (await versions.first().getAttribute("data-value"))!;
  expect(version).toMatch(/^draft-fast@\d+$/);
  // Tall enough for the whole sidebar (it scrolls on its own at the usual height).
  await designer.setViewportSize({ width: 1280, height: 2000 });
  await designer.screenshot({ path: "/tmp/library-new-facets.png" });
  await designer.setViewportSize({ width: 1280, height: 720 });
  await versions.first().click();
  await expect(library.queryBox()).toHaveValue(`campaign:"${campaign}" preset:${version}`);
  await expect(designer).toHaveURL(new RegExp(`preset%3A${version.replace("@", "%40")}`));
  await library.expectTotal(drafts);
  await library.facet("preset", version).click();
  await library.expectTotal(inCampaign);

  // The CSV columns carried with the drafts show in the lightbox; a value is a search for it.
  await library
    .tile(approved[0]!)
    .getByRole("button", { name: /^Preview/ })
    .click();
  const product = designer.getByTestId("lightbox-product");
  await expect(product.locator('[data-key="category"]')).toContainText("Tableware");
  await product.getByRole("button", { name: `KLN-${word}` }).click();
  await expect(library.queryBox()).toHaveValue(`campaign:"${campaign}" "KLN-${word}"`);
  await library.expectTotal(drafts);
  await expect(designer.getByTestId("lightbox")).toHaveCount(0);
  await designer.goBack();
  await library.expectTotal(inCampaign);
  // The list shows them after the campaign.
  await designer.getByRole("group", { name: "View" }).getByRole("button", { name: "List" }).click();
  await expect(
    designer.locator(`[data-testid="library-row"][data-asset-id="${approved[0]}"] [data-testid="carried-columns"]`),
  ).toContainText(`sku KLN-${word}`);
  await designer.screenshot({ path: "/tmp/library-list-product.png" });
  // Back to the grid and straight on to a facet, before the first navigation has landed (the
  // router's requests are held until both clicks are in): the facet must not undo the grid.
  const held = await holdRequests(designer, /[?&]_rsc=/);
  const grid = designer.getByRole("group", { name: "View" }).getByRole("button", { name: "Grid" });
  await grid.click();
  await library.facet("status", "approved").click();
  held.release();
  await expect(library.facet("status", "approved")).toHaveAttribute("aria-pressed", "true");
  await expect(grid).toHaveAttribute("aria-pressed", "true");
  await held.stop();

  // The approved ones, selected as a shift-click range, become a new collection from the bulk bar.
  await library.expectTotal(approved.length);
  const picked = await library.selectRange();
  const board = `Approved ${word}`;
  await designer.getByRole("button", { name: "Add to collection…" }).click();
  await designer.getByTestId("bulk-bar").getByRole("combobox").selectOption({ label: "New collection…" });
  await designer.getByLabel("Name of the new collection").fill(board);
  await designer.getByRole("button", { name: "Create & add" }).click();
  await expect(designer.getByTestId("bulk-result")).toContainText(
    `Added ${picked} asset${picked === 1 ? "" : "s"} to “${board}”`,
  );
  await designer.getByTestId("bulk-result-link").click();
  await expect(designer).toHaveURL(/\/collections\/[0-9a-f-]{36}$/);
  await expect(designer.getByRole("heading", { name: board })).toBeVisible();
  await new CollectionsPage(designer).expectThumbnailsLoaded(picked);
});

test("the lightbox steps through results by keyboard; tiles select by click, shift-click and by query", async ({
  page,
}) => {
  const word = uniqueWord();
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const batchId = await queueBatchViaApi(page, { preset: /Draft/, productName: `Glass carafe ${word}`, variants: 3 });
  // Three images, or four if a check's reject was re-rolled.
  const n = (await waitForBatchSettled(page, batchId)).filter((r) => r.check).length;

  const library = new LibraryPage(page);
  await library.goto(word);
  await library.expectTotal(n);
  await library
    .tiles()
    .first()
    .getByRole("button", { name: /^Preview/ })
    .click();
  const lightbox = page.getByTestId("lightbox");
  await expect(lightbox).toBeVisible();
  await expect(page.getByTestId("lightbox-position")).toContainText(`1 of ${n}`);
  const first = (await lightbox.getAttribute("data-asset-id"))!;
  await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("lightbox-position")).toContainText(`2 of ${n}`);
  await expect(lightbox).not.toHaveAttribute("data-asset-id", first);
  await page.keyboard.press("ArrowLeft");
  await expect(lightbox).toHaveAttribute("data-asset-id", first);
  await expect(lightbox.getByRole("link", { name: "Open asset page" })).toHaveAttribute("href", `/assets/${first}`);
  await page.screenshot({ path: "/tmp/library-lightbox.png" });
  await page.keyboard.press("Escape");
  await expect(lightbox).toHaveCount(0);

  // The list view shows the same results as rows.
  await page.getByRole("group", { name: "View" }).getByRole("button", { name: "List" }).click();
  await expect(page).toHaveURL(/view=list/);
  await expect(page.getByTestId("library-row")).toHaveCount(n);
  await page.screenshot({ path: "/tmp/library-list.png" });
  await page.getByRole("group", { name: "View" }).getByRole("button", { name: "Grid" }).click();

  // Density changes the tile size (columns of at least 120 / 180 / 280 px) and is kept in the URL.
  const tileWidth = async () => (await library.tiles().first().boundingBox())!.width;
  await expect(library.tiles().first()).toBeVisible();
  const comfortable = await tileWidth();
  await library.setDensity("Compact");
  await expect(page).toHaveURL(/density=compact/);
  await expect.poll(tileWidth).toBeLessThan(comfortable);
  await library.setDensity("Large");
  await expect(page).toHaveURL(/density=large/);
  await expect.poll(tileWidth).toBeGreaterThan(comfortable);
  await page.reload();
  await expect.poll(tileWidth).toBeGreaterThan(comfortable);
  await library.setDensity("Comfortable");
  await expect(page).not.toHaveURL(/density=/);

  await library.tiles().nth(0).getByTestId("tile-select").click();
  await library
    .tiles()
    .nth(2)
    .getByTestId("tile-select")
    .click({ modifiers: ["Shift"] });
  await expect(page.getByTestId("selection-count")).toHaveText("3 selected");
  await library.tiles().nth(1).getByTestId("tile-select").click();
  await expect(page.getByTestId("selection-count")).toHaveText("2 selected");
  await expect(library.tiles().nth(1)).not.toHaveAttribute("data-selected");
  // "Select all" is a selection by query (what the bulk actions and the export receive), not by ids.
  await page.getByTestId("select-all").click();
  await expect(page.getByTestId("selection-count")).toHaveText(`All ${n} results selected`);
  // Export takes the same selection (e2e/delivery.spec.ts follows it through).
  await expect(page.getByTestId("export-open")).toBeEnabled();
  await page.screenshot({ path: "/tmp/library-selection.png" });
  // A bulk action on the query selection: the server resolves it and tags every result.
  await page.getByRole("button", { name: "Tag…" }).click();
  await page.getByLabel("Tags (comma-separated)").fill(`set-${word}`);
  await page.getByRole("button", { name: "Add tags" }).click();
  await expect(page.getByTestId("bulk-result")).toContainText(`Tagged ${n} assets`);
  await page.getByRole("button", { name: "Clear", exact: true }).click();

  // A star on a tile; the Starred shortcut adds is:starred to the query.
  const starredId = (await library.tiles().nth(2).getAttribute("data-asset-id"))!;
  await library.tiles().nth(2).getByTestId("star-toggle").click();
  await expect(library.tiles().nth(2).getByTestId("star-toggle")).toHaveAttribute("aria-pressed", "true");
  await page.getByTestId("starred-shortcut").click();
  await expect(library.queryBox()).toHaveValue(`${word} is:starred`);
  await library.expectTotal(1);
  await expect(library.tile(starredId)).toBeVisible();
  await library.search(`tag:set-${word}`);
  await library.expectTotal(n);
});

test("a reviewer finds everything rejected for blur", async ({ browser, request }) => {
  // A batch through the checks, four signed-in users and an admin page: about 35 s alone, more under CI's load.
  test.setTimeout(150_000);
  const word = uniqueWord();
  const designer = await demo(browser, "designer");
  await setSimulator(request, { blurRate: 1 });
  const campaign = `Blur ${word}`;
  const batchId = await queueBatchViaApi(designer, {
    preset: /Support/,
    productName: `Blurred lamp ${word}`,
    campaign,
  });
  // The image and its re-rolls are all rejected for blur by the sharpness check.
  const [rows, reviewer] = await Promise.all([waitForBatchSettled(designer, batchId), demo(browser, "reviewer")]);
  await setSimulator(request, { blurRate: 0 });
  const rejected = rows.filter((r) => r.check?.status === "rejected");
  expect(rejected.length).toBeGreaterThanOrEqual(1);

  const library = new LibraryPage(reviewer);
  await library.goto();
  await library.search("rejected:blur");
  await expect
    .poll(async () => Number(await library.total().getAttribute("data-total")))
    .toBeGreaterThanOrEqual(rejected.length);
  // Everything shown is rejected, and the reason is blur.
  for (const status of await reviewer.getByTestId("asset-status").all()) {
    await expect(status).toHaveAttribute("data-status", "rejected");
    await expect(status).toHaveAttribute("data-reason", /blur/);
  }
  // The rows name their latest image; a rejected image's automatic re-roll (blurred too, while the
  // simulator blurs) can land just after the batch first looks settled. Count what the library holds
  // once it stops changing: at least the rows' rejected images, each of them shown.
  await library.search(`rejected:blur ${word}`);
  let blurred = 0;
  await expect
    .poll(
      async () => {
        const before = blurred;
        await reviewer.reload();
        await library.settled();
        blurred = Number(await library.total().getAttribute("data-total"));
        return blurred >= rejected.length && blurred === before;
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe(true);
  await reviewer.screenshot({ path: "/tmp/library-reviewer.png", fullPage: true });
  for (const r of rejected) await expect(library.tile(r.check!.assetId)).toBeVisible();

  // The designer thinks the checks are wrong: the bulk bar sends the rejected images to a person.
  const mine = new LibraryPage(designer);
  await mine.goto(`rejected:blur ${word}`);
  await mine.expectTotal(blurred);
  const picked = await mine.selectRange();
  await designer.getByRole("button", { name: "Send to review" }).click();
  await expect(designer.getByTestId("bulk-result")).toContainText(
    `Sent ${picked} asset${picked === 1 ? "" : "s"} to review.`,
  );
  await mine.search(`status:in_review ${word}`);
  await mine.expectTotal(picked);
  await designer.context().close();

  // A reviewer's own rejection for blur is found the same way. The seeded reasons are about content,
  // so an admin adds "blur" once (the review screen's picker shows the first ten; the decision goes by API).
  const admin = await demo(browser, "admin");
  await admin.goto("/admin/reject-reasons");
  if ((await admin.getByTestId("reason-blur").count()) === 0) {
    await admin.getByLabel("Code").fill("blur");
    await admin.getByLabel("Label").fill("Blurry");
    await admin.getByRole("button", { name: "Add reason" }).click();
    await expect(admin.getByTestId("reason-blur")).toBeVisible();
  }
  await admin.context().close();
  const queue = (await (
    await reviewer.request.get(`/api/review/queue?campaign=${encodeURIComponent(campaign)}`)
  ).json()) as { items: { assetId: string; versionId: string }[] };
  expect(queue.items).toHaveLength(picked);
  const target = queue.items[0]!;
  const decided = await reviewer.request.post("/api/review/decisions", {
    headers: fromApp(reviewer),
    data: { assetId: target.assetId, assetVersionId: target.versionId, decision: "reject", reasonCode: "blur" },
  });
  expect(decided.status(), await decided.text()).toBe(201);
  await library.search(`rejected:blur reviewer:me ${word}`);
  await library.expectTotal(1);
  await expect(library.tile(target.assetId).getByTestId("asset-status")).toHaveAttribute("data-reason", /blur/);
});

test("a designer cannot find another designer's assets in the library, nor open them", async ({
  browser,
  consoleWatch,
}) => {
  consoleWatch.allow(
    /status of 404 \(Not Found\) — http:\/\/[^/]+\/assets\/[0-9a-f-]{36}:/,
    "the designer's deliberate visit to another designer's asset",
  );
  const word = uniqueWord();
  const [{ user, close }, designer] = await Promise.all([
    createUserAsAdmin(browser, { name: "Other Designer", role: "designer", prefix: "lib" }),
    demo(browser, "designer"),
  ]);
  await close();
  // The catalog ids are the same for every designer; the demo designer reads them while the other signs in.
  const [other, ids] = await Promise.all([signedIn(browser, user), catalogIds(designer, [/Draft/])]);
  const batchId = await queueBatch(
    other,
    { templateId: ids.templateId, presetId: ids.presetIds[0]! },
    { productName: `Secret teapot ${word}` },
  );
  const rows = await waitForBatchSettled(other, batchId);
  // Usually one image; a re-roll after a check's reject adds another of the same word.
  const owned = rows.filter((r) => r.check).map((r) => r.check!.assetId);
  const assetId = owned[0]!;
  // Its owner finds it by the word (through the same API the page reads).
  const own = (await (await other.request.get(`/api/library/search?q=${word}`)).json()) as {
    total: number;
    items: { id: string }[];
  };
  expect(own.total).toBe(owned.length);
  expect(own.items.map((i) => i.id).sort()).toEqual([...owned].sort());
  await other.context().close();

  const library = new LibraryPage(designer);
  await library.goto();
  await library.search(word);
  await library.expectTotal(0);
  await expect(designer.getByTestId("library-no-results")).toBeVisible();
  const api = await designer.request.get(`/api/library/search?q=${word}`);
  expect(api.status()).toBe(200);
  expect(((await api.json()) as { total: number }).total).toBe(0);
  expect((await designer.goto(`/assets/${assetId}`))?.status()).toBe(404);
  await designer.context().close();
});

test("finance gets the forbidden page; a query that cannot parse says what is wrong and is not sent", async ({
  browser,
  consoleWatch,
}) => {
  consoleWatch.allow(
    /status of 403 \(Forbidden\) — http:\/\/[^/]+\/assets:/,
    "finance's deliberate visit to the library",
  );
  const [finance, designer] = await Promise.all([demo(browser, "finance"), demo(browser, "designer")]);
  expect((await finance.goto("/assets"))?.status()).toBe(403);
  await expect(finance.getByRole("heading", { name: "This area is not for your role" })).toBeVisible();
  expect((await finance.request.get("/api/library/search?q=")).status()).toBe(403);
  await finance.context().close();

  const library = new LibraryPage(designer);
  await library.goto();
  await library.queryBox().fill("status:approvd");
  await library.queryBox().press("Enter");
  await expect(designer.getByTestId("query-error")).toContainText("status: expected one of");
  await expect(designer).not.toHaveURL(/q=/);
  await designer.getByRole("button", { name: "?", exact: true }).click();
  await expect(designer.getByTestId("grammar-help")).toContainText("rejected:blur");
  await designer.getByTestId("grammar-help").getByRole("button", { name: "is:starred" }).click();
  await expect(designer.getByTestId("query-error")).toContainText("status: expected one of");
  await library.queryBox().fill("is:starred");
  await library.queryBox().press("Enter");
  await expect(designer).toHaveURL(/q=is%3Astarred/);
  await expect(designer.getByTestId("query-error")).toHaveCount(0);

  // Saved searches: name the current query, find it in the list, open it from there.
  const name = `Stars ${uniqueWord()}`;
  await designer.getByRole("button", { name: "+ Save this search" }).click();
  await designer.getByLabel("Name of the saved search").fill(name);
  await designer.getByRole("button", { name: "Save", exact: true }).click();
  const saved = designer.getByTestId("saved-search").filter({ hasText: name });
  await expect(saved).toHaveAttribute("href", "/assets?q=is%3Astarred");
  await library.goto();
  await saved.click();
  await expect(library.queryBox()).toHaveValue("is:starred");
  await designer.context().close();
});

test("the grid stays small in the DOM at 12,000 results: rows are virtualised and pages load by cursor as it scrolls", async ({
  page,
}) => {
  // The result pages are synthetic here (a real 12,000-asset library is the search bench's job);
  // this journey is about the browser: what it renders and when it asks for more.
  const TOTAL = 12_000;
  const asked: string[] = [];
  // While set, result pages wait for it (the lightbox's step past the last loaded result).
  let gate: Promise<void> | null = null;
  await page.route(/\/api\/library\/search\?/, async (route) => {
    if (gate) await gate;
    const url = new URL(route.request().url());
    const start = Number(url.searchParams.get("cursor") ?? 0);
    const limit = Number(url.searchParams.get("limit"));
    asked.push(String(start));
    const items = Array.from({ length: Math.min(limit, TOTAL - start) }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(start + i).padStart(12, "0")}`,
      title: `Synthetic ${start + i + 1}`,
      status: "approved",
      tier: "support",
      source: "generated",
      campaign: "Synthetic",
      ownerName: "Dana Designer",
      createdAt: new Date(Date.UTC(2026, 0, 1) - (start + i) * 60_000).toISOString(),
      approvedAt: null,
      width: 512,
      height: 512,
      thumbUrl: null,
      previewUrl: null,
      starred: false,
      tags: [],
      costMicros: 2000,
      statusReason: null,
    }));
    const next = start + items.length;
    await route.fulfill({
      json: { items, total: TOTAL, totalCapped: false, nextCursor: next < TOTAL ? String(next) : null },
    });
  });
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const library = new LibraryPage(page);
  await library.goto();
  await library.expectTotal(TOTAL);
  // Scroll to the end again and again: each time the grid nears the end of what it has, it asks for the next page.
  await expect
    .poll(
      async () => {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        return asked.length;
      },
      { timeout: 30_000, intervals: [300] },
    )
    .toBeGreaterThanOrEqual(11);
  await expect(library.tiles().last()).toContainText(/Synthetic \d+/);
  const loaded = asked.length * 120;
  const inDom = await library.tiles().count();
  expect(loaded).toBeGreaterThanOrEqual(1_200);
  expect(inDom, `${inDom} tiles in the DOM for ${loaded} loaded`).toBeLessThan(120);
  // The lightbox counts against the whole result, wherever it opens. With the next page held back,
  // → on the last loaded result waits for it and then steps (it used to be a dead key there).
  let release = () => {};
  gate = new Promise((r) => (release = r));
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const lastLoaded = library.tiles().last();
  await expect(lastLoaded).toContainText(/Synthetic \d+/);
  const lastNumber = Number((await lastLoaded.textContent())!.match(/Synthetic (\d+)/)![1]);
  await lastLoaded.getByRole("button", { name: /^Preview/ }).click();
  const position = page.getByTestId("lightbox-position");
  await expect(position).toContainText(`${lastNumber} of 12,000`);
  await page.keyboard.press("ArrowRight");
  await expect(position).toContainText("loading more");
  release();
  gate = null;
  await expect(position).toContainText(`${lastNumber + 1} of 12,000`);
  await expect(page.getByTestId("lightbox-title")).toHaveText(`Synthetic ${lastNumber + 1}`);
});
