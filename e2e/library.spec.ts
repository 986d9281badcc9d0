import { expect, test } from "./support/test";
import { LibraryPage } from "./pages/library-page";
import { SignInPage } from "./pages/sign-in-page";
import { createUserAsAdmin } from "./support/admin";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { setSimulator } from "./support/simulator";
import { DEMO } from "./support/users";

/** A word no other test writes, letters only so full-text search keeps it whole. */
const uniqueWord = () => `zq${Date.now().toString(36).replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;

test.afterEach(async ({ request }) => {
  await setSimulator(request, { blurRate: 0 });
});

test("a designer finds the approved assets of one campaign by typed query and by clicking facets", async ({ browser }) => {
  const word = uniqueWord();
  const campaign = `Library ${word}`;
  const designer = await (await browser.newContext()).newPage();
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const batchId = await queueBatchViaApi(designer, { preset: /Support/, productName: `Stoneware vase ${word}`, variants: 4, campaign });
  const rows = await waitForBatchSettled(designer, batchId);
  const inReview = rows.filter((r) => r.check?.status === "in_review").map((r) => r.check!.assetId);
  expect(inReview.length, "support images wait for a reviewer").toBeGreaterThanOrEqual(2);
  const assetsInCampaign = rows.filter((r) => r.check).length;

  // A reviewer approves two of them; the rest of the campaign stays where it is.
  const reviewer = await (await browser.newContext()).newPage();
  await new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  const queue = (await (await reviewer.request.get(`/api/review/queue?campaign=${encodeURIComponent(campaign)}`)).json()) as {
    items: { assetId: string; versionId: string }[];
  };
  const approved = inReview.slice(0, 2);
  const items = queue.items.filter((i) => approved.includes(i.assetId)).map((i) => ({ assetId: i.assetId, assetVersionId: i.versionId }));
  expect(items).toHaveLength(2);
  const decided = await reviewer.request.post("/api/review/decisions/bulk", { headers: { origin: new URL(reviewer.url()).origin }, data: { items } });
  expect((await decided.json()).approved).toHaveLength(2);
  await reviewer.context().close();

  // By typed query.
  const library = new LibraryPage(designer);
  await library.goto();
  await library.search(`status:approved campaign:"${campaign}"`);
  await library.expectTotal(2);
  await expect(library.tiles()).toHaveCount(2);
  for (const id of approved) await expect(library.tile(id)).toHaveAttribute("data-status", "approved");

  // By clicking facets: each click writes its term into the query and the URL.
  await library.goto();
  await library.clickFacet("campaign", campaign);
  await library.expectTotal(assetsInCampaign);
  await library.clickFacet("status", "approved");
  await library.expectTotal(2);
  await expect(library.queryBox()).toHaveValue(`campaign:"${campaign}" status:approved`);
  await expect(library.chips()).toHaveCount(2);
  await expect(library.tiles()).toHaveCount(2);
  // The back button undoes the last filter.
  await designer.goBack();
  await library.expectTotal(assetsInCampaign);
  await designer.goForward();
  await library.expectTotal(2);

  // The lightbox steps through the results by keyboard and links to the asset page.
  await library.tiles().first().getByRole("button", { name: /^Preview/ }).click();
  const lightbox = designer.getByTestId("lightbox");
  await expect(lightbox).toBeVisible();
  const first = await lightbox.getAttribute("data-asset-id");
  await designer.keyboard.press("ArrowRight");
  await expect(lightbox).not.toHaveAttribute("data-asset-id", first!);
  await designer.keyboard.press("ArrowLeft");
  await expect(lightbox).toHaveAttribute("data-asset-id", first!);
  await designer.keyboard.press("Escape");
  await expect(lightbox).toHaveCount(0);

  // Selection: a click, then shift-click for the range; "select all" is a selection by query.
  await library.goto(`campaign:"${campaign}"`);
  await library.expectTotal(assetsInCampaign);
  await library.tiles().nth(0).getByTestId("tile-select").click();
  await library.tiles().nth(assetsInCampaign - 1).getByTestId("tile-select").click({ modifiers: ["Shift"] });
  await expect(designer.getByTestId("selection-count")).toHaveText(`${assetsInCampaign} selected`);
  await library.tiles().nth(1).getByTestId("tile-select").click();
  await expect(designer.getByTestId("selection-count")).toHaveText(`${assetsInCampaign - 1} selected`);
  await designer.getByTestId("select-all").click();
  await expect(designer.getByTestId("selection-count")).toHaveText(`All ${assetsInCampaign} results selected`);
  await expect(designer.getByRole("button", { name: "Export" })).toBeDisabled();
  await designer.context().close();
});

test("a reviewer finds everything rejected for blur", async ({ browser, request }) => {
  const word = uniqueWord();
  const designer = await (await browser.newContext()).newPage();
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  await setSimulator(request, { blurRate: 1 });
  const batchId = await queueBatchViaApi(designer, { preset: /Support/, productName: `Blurred lamp ${word}` });
  // The image and its re-rolls are all rejected for blur by the sharpness check.
  const rows = await waitForBatchSettled(designer, batchId);
  await setSimulator(request, { blurRate: 0 });
  const rejected = rows.filter((r) => r.check?.status === "rejected");
  expect(rejected.length).toBeGreaterThanOrEqual(1);
  await designer.context().close();

  const reviewer = await (await browser.newContext()).newPage();
  await new SignInPage(reviewer).signInAndWait(DEMO.reviewer.email, DEMO.reviewer.password, DEMO.reviewer.name);
  const library = new LibraryPage(reviewer);
  await library.goto();
  await library.search("rejected:blur");
  await expect.poll(async () => Number(await library.total().getAttribute("data-total"))).toBeGreaterThanOrEqual(rejected.length);
  // Everything shown is rejected, and the reason is blur.
  for (const status of await reviewer.getByTestId("asset-status").all()) {
    await expect(status).toHaveAttribute("data-status", "rejected");
    await expect(status).toHaveAttribute("data-reason", /blur/);
  }
  await library.search(`rejected:blur ${word}`);
  await library.expectTotal(rejected.length);
  for (const r of rejected) await expect(library.tile(r.check!.assetId)).toBeVisible();
});

test("a designer cannot find another designer's assets in the library, nor open them", async ({ browser, consoleWatch }) => {
  consoleWatch.allow(/status of 404 \(Not Found\) — http:\/\/[^/]+\/assets\/[0-9a-f-]{36}:/, "the designer's deliberate visit to another designer's asset");
  const word = uniqueWord();
  const { user, close } = await createUserAsAdmin(browser, { name: "Other Designer", role: "designer", prefix: "lib" });
  await close();
  const other = await (await browser.newContext()).newPage();
  await new SignInPage(other).signInAndWait(user.email, user.password, user.name);
  const batchId = await queueBatchViaApi(other, { preset: /Draft/, productName: `Secret teapot ${word}` });
  const [row] = await waitForBatchSettled(other, batchId);
  const assetId = row!.check!.assetId;
  // Its owner finds it by the word.
  const mine = new LibraryPage(other);
  await mine.goto();
  await mine.search(word);
  await mine.expectTotal(1);
  await expect(mine.tile(assetId)).toBeVisible();
  await other.context().close();

  const designer = await (await browser.newContext()).newPage();
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const library = new LibraryPage(designer);
  await library.goto();
  await library.search(word);
  await library.expectTotal(0);
  await expect(designer.getByTestId("library-no-results")).toBeVisible();
  expect((await designer.request.get(`/api/library/search?q=${word}`)).status()).toBe(200);
  expect((await (await designer.request.get(`/api/library/search?q=${word}`)).json()).total).toBe(0);
  expect((await designer.goto(`/assets/${assetId}`))?.status()).toBe(404);
  await designer.context().close();
});

test("finance gets the forbidden page, and a bad query says what is wrong", async ({ browser, consoleWatch }) => {
  consoleWatch.allow(/status of 403 \(Forbidden\) — http:\/\/[^/]+\/assets:/, "finance's deliberate visit to the library");
  const finance = await (await browser.newContext()).newPage();
  await new SignInPage(finance).signInAndWait(DEMO.finance.email, DEMO.finance.password, DEMO.finance.name);
  expect((await finance.goto("/assets"))?.status()).toBe(403);
  await expect(finance.getByRole("heading", { name: "This area is not for your role" })).toBeVisible();
  expect((await finance.request.get("/api/library/search?q=")).status()).toBe(403);
  await finance.context().close();

  const designer = await (await browser.newContext()).newPage();
  await new SignInPage(designer).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const library = new LibraryPage(designer);
  await library.goto();
  await library.queryBox().fill("status:approvd");
  await library.queryBox().press("Enter");
  await expect(designer.getByTestId("query-error")).toContainText("status: expected one of");
  await expect(designer).not.toHaveURL(/q=/);
  await designer.getByRole("button", { name: "?" }).click();
  await expect(designer.getByTestId("grammar-help")).toContainText("rejected:blur");
  await designer.context().close();
});
