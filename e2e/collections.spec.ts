import type { Browser } from "@playwright/test";
import { CollectionsPage } from "./pages/collections-page";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { createUserAsAdmin, type CreatedUser } from "./support/admin";
import { expect, test } from "./support/test";
import { DEMO, uniqueEmail } from "./support/users";

async function signedIn(browser: Browser, who: { email: string; password: string; name: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new SignInPage(page).signInAndWait(who.email, who.password, who.name);
  return { context, page };
}

test("a designer builds a collection and shares it with the team: a teammate sees it and its images read-only, another team does not", async ({
  browser,
  page,
  consoleWatch,
}) => {
  test.setTimeout(120_000); // 60–80 s on the shared 2-core machine, most of it the server answering under load
  consoleWatch.allow(
    /status of 404 \(Not Found\) — http:\/\/[^/]+\/(collections|assets)\/[0-9a-f-]{36}:/,
    "the outsider's deliberate visits to the board and the asset",
  );
  consoleWatch.allow(
    /status of 404 \(Not Found\) — http:\/\/[^/]+\/favicon\.ico:/,
    "Chromium asks for /favicon.ico after a 404 document (the outsider's visits)",
  );
  const board = `Spring picks ${Date.now().toString(36)}`;

  // An admin adds a teammate of the demo designer (Brand) and a designer of another team (Growth), and both
  // sign in, while the designer's two draft images are generated (the journeys overlap to keep the test short).
  const people = (async () => {
    const {
      user: mate,
      users,
      close,
    } = await createUserAsAdmin(browser, { name: "Theo Teammate", role: "designer", prefix: "mate" });
    const outsider: CreatedUser = {
      name: "Gus Growth",
      email: uniqueEmail("outsider"),
      role: "designer",
      password: "temporary passphrase",
    };
    await users.createUser(outsider);
    await users.assignTeam(mate.email, "Brand");
    await users.assignTeam(outsider.email, "Growth");
    await close();
    return Promise.all([signedIn(browser, mate), signedIn(browser, outsider)]);
  })();
  people.catch(() => {}); // awaited below; this only keeps an early failure from being reported twice

  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill(`Board mug ${Date.now()}`);
  await page.getByLabel("Variants per row").fill("2");
  await generate.queueButton().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  await new JobPage(page).waitUntilDone(2); // one row, two variants
  const assetUrls = await page
    .getByRole("link", { name: /Open asset/ })
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  expect(assetUrls.length).toBeGreaterThanOrEqual(2);

  const boards = new CollectionsPage(page);
  await page.goto(assetUrls[0]!);
  await boards.createBoardFromAsset(board);
  // Tags (normalised) and the star, on the same card.
  await boards.organise().getByTestId("tag-input").fill("Spring Hero");
  await boards.organise().getByRole("button", { name: "Add", exact: true }).first().click();
  await expect(boards.organise().getByTestId("asset-tags")).toContainText("spring-hero");
  await boards.organise().getByTestId("star-toggle").click();
  await expect(boards.organise().getByTestId("star-toggle")).toHaveAttribute("aria-pressed", "true");

  await page.goto(assetUrls[1]!);
  await boards.addAssetToBoard(board);

  // The library's bulk endpoint (what its selection bar calls) tags both at once, from the page's own origin.
  const assetIds = assetUrls.slice(0, 2).map((u) => u.split("/").pop()!);
  const bulk = await page.evaluate(async (ids) => {
    const response = await fetch("/api/library/bulk", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "tag", selection: { assetIds: ids }, tags: ["board-bulk"] }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }, assetIds);
  expect(bulk).toEqual({ status: 200, body: { affected: 2, skipped: 0, message: "Tagged 2 assets (board-bulk)." } });

  // The board, then sharing it with the team.
  await boards.goto();
  await boards.card(board).click();
  await expect(page).toHaveURL(/\/collections\/[0-9a-f-]{36}$/);
  const boardUrl = page.url();
  await boards.expectThumbnailsLoaded(2);
  await expect(page.getByTestId("collection-meta")).toContainText("private");
  await page.getByTestId("share-toggle").check();
  await expect(page.getByTestId("collection-meta")).toContainText("shared with Brand");

  // The teammate finds it under "Shared with your team", sees the images and opens an asset, read-only.
  const [teammate, other] = await people;
  const mateBoards = new CollectionsPage(teammate.page);
  await mateBoards.goto();
  await expect(teammate.page.getByTestId("shared-collections")).toContainText(board);
  await mateBoards.card(board).click();
  await mateBoards.expectThumbnailsLoaded(2);
  await expect(teammate.page.getByTestId("collection-meta")).toContainText("read-only");
  await expect(teammate.page.getByTestId("collection-controls")).toHaveCount(0);
  await mateBoards.tiles().first().click();
  await expect(teammate.page).toHaveURL(/\/assets\/[0-9a-f-]{36}$/);
  await expect(teammate.page.getByTestId("asset-status")).toBeVisible();
  await expect(teammate.page.getByTestId("edit-asset")).toHaveCount(0);
  await expect(mateBoards.organise()).toContainText("Shared with you read-only");
  await teammate.context.close();

  // A designer of another team sees neither the board nor its assets.
  await new CollectionsPage(other.page).goto();
  await expect(other.page.getByText(board)).toHaveCount(0);
  expect((await other.page.goto(boardUrl))?.status()).toBe(404);
  expect((await other.page.goto(assetUrls[0]!))?.status()).toBe(404);
  await other.context.close();
});
