import { expect, test } from "./support/test";
import { BudgetsPage } from "./pages/budgets-page";
import { GeneratePage } from "./pages/generate-page";
import { JobPage } from "./pages/job-page";
import { SignInPage } from "./pages/sign-in-page";
import { UsersPage } from "./pages/users-page";
import { DEMO } from "./support/users";

test("finance sets a campaign budget; the designer is refused beyond it, with the remaining amount, before any GPU time", async ({
  browser,
  consoleWatch,
}) => {
  consoleWatch.allow(
    /status of 422 \(Unprocessable Entity\) — http:\/\/[^/]+\/api\/batches:/,
    "the deliberate queue beyond the budget",
  );
  const campaign = `Budget launch ${Date.now().toString(36)}`;

  const financeContext = await browser.newContext();
  const finance = await financeContext.newPage();
  await new SignInPage(finance).signInAndWait(DEMO.finance.email, DEMO.finance.password, DEMO.finance.name);
  const budgets = new BudgetsPage(finance);
  await budgets.goto();
  await budgets.addCampaignBudget({ campaign, dollars: "0.005" });
  const card = budgets.card(`campaign ${campaign}`);
  await expect(card).toContainText("within budget");
  await expect(card.getByTestId("budget-spend")).toContainText("$0.00 of $0.005");
  await finance.screenshot({ path: "/tmp/budgets-page.png", fullPage: true });
  await financeContext.close();

  const designerContext = await browser.newContext();
  const page = await designerContext.newPage();
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  const generate = new GeneratePage(page);
  await generate.goto();
  await page.getByLabel("Product name").fill("Budget test mug");
  await page.getByLabel("Campaign (optional)").fill(campaign);
  await page.getByLabel("Variants per row").fill("3"); // 3 draft images × $0.002 = $0.006 > $0.005
  await expect(page.getByTestId("estimate-images")).toHaveText("3");
  // The estimate already shows what is left, and that Queue would be refused.
  await expect(page.getByTestId("estimate-budgets")).toContainText(`Budget for campaign ${campaign} (per month)`);
  await expect(page.getByTestId("budget-remaining")).toHaveText("$0.005 left");
  await expect(page.getByTestId("estimate-budgets")).toContainText("has $0.005 left of $0.005");
  await generate.queueButton().click();
  const refusal = page.getByTestId("queue-error");
  await expect(refusal).toContainText("This batch is estimated at $0.006");
  await expect(refusal).toContainText(`the budget for campaign ${campaign} (per month) has $0.005 left of $0.005`);
  await expect(refusal).toContainText("ask finance to raise the budget");
  await expect(page).toHaveURL(/\/generate/);
  await page.screenshot({ path: "/tmp/budgets-refusal.png", fullPage: true });
  await designerContext.close();
});

test("an admin adds a team and puts the demo designer in it; the demo seed's teams are there", async ({ page }) => {
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  const users = new UsersPage(page);
  await users.goto();
  const teams = page.getByTestId("teams-card");
  await expect(teams).toContainText("Brand");
  await expect(teams).toContainText("Growth");
  await expect(users.row(DEMO.designer.email).getByLabel(`Team of ${DEMO.designer.email}`)).toHaveValue(
    /[0-9a-f-]{36}/,
  );
  const name = `Studio ${Date.now().toString(36)}`;
  await users.addTeam(name);
  await users.assignTeam(DEMO.finance.email, name);
  await expect(
    users.row(DEMO.finance.email).getByLabel(`Team of ${DEMO.finance.email}`).locator("option:checked"),
  ).toHaveText(name);
});

test("work queued before its budget ran out waits on the Jobs page, saying why, and runs once the budget is raised", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const campaign = `Budget wait ${Date.now().toString(36)}`;
  const signedIn = async (who: (typeof DEMO)[keyof typeof DEMO]) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await new SignInPage(page).signInAndWait(who.email, who.password, who.name);
    return page;
  };
  const finance = await signedIn(DEMO.finance);
  const budgets = new BudgetsPage(finance);
  await budgets.goto();
  await budgets.addCampaignBudget({ campaign, dollars: "1" });

  const designer = await signedIn(DEMO.designer);
  const queueOne = async (product: string) => {
    const generate = new GeneratePage(designer);
    await generate.goto();
    await designer.getByLabel("Product name").fill(product);
    await designer.getByLabel("Campaign (optional)").fill(campaign);
    await expect(designer.getByTestId("estimate-images")).toHaveText("1");
    await generate.queueButton().click();
    await expect(designer).toHaveURL(/\/jobs\/[0-9a-f-]{36}/);
  };
  await queueOne("First budget vase");
  await new JobPage(designer).waitUntilDone(1, 60_000);
  await expect(designer.getByTestId("actual-micros")).toHaveText("$0.002");

  // The endpoint is paused while the second batch is queued, so it cannot run before the budget is lowered.
  const admin = await signedIn(DEMO.admin);
  await admin.goto("/admin/providers");
  await admin.getByTestId("provider-row-kiln-simulator").getByRole("button", { name: "Pause" }).click();
  await admin.getByLabel("Reason for pausing Kiln GPU simulator").fill("Budget journey");
  await admin.getByRole("button", { name: "Pause endpoint" }).click();
  await expect(admin.getByTestId("provider-status-kiln-simulator")).toContainText("paused");
  try {
    await queueOne("Second budget vase");
    await budgets.goto();
    await budgets.setLimit(`campaign ${campaign}`, "0.002"); // exactly what was spent: used up
    await expect(budgets.card(`campaign ${campaign}`)).toContainText("used up");
  } finally {
    await admin.reload();
    await admin.getByTestId("provider-row-kiln-simulator").getByRole("button", { name: "Resume" }).click();
    await expect(admin.getByTestId("provider-status-kiln-simulator")).toContainText("active");
  }
  await designer.reload();
  await expect(designer.getByTestId("batch-waiting")).toContainText(
    `Waiting: budget exhausted for campaign ${campaign} ($0.002 of $0.002 spent)`,
  );
  await expect(designer.getByTestId("generation-waiting")).toHaveCount(1);
  await expect(designer.getByTestId("batch-counts")).toContainText("0 done");
  await expect(designer.getByTestId("batch-counts")).toContainText("0 failed");
  await designer.screenshot({ path: "/tmp/budgets-waiting.png", fullPage: true });
  // Raising the budget wakes the held work: it goes on at once, not at its next poll (5 minutes).
  await budgets.setLimit(`campaign ${campaign}`, "1");
  await expect(budgets.card(`campaign ${campaign}`)).toContainText("within budget");
  await new JobPage(designer).waitUntilDone(1, 60_000);
  await expect(designer.getByTestId("batch-waiting")).toHaveCount(0);
});
