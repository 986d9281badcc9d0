import { expect, test } from "@playwright/test";
import { BudgetsPage } from "./pages/budgets-page";
import { GeneratePage } from "./pages/generate-page";
import { SignInPage } from "./pages/sign-in-page";
import { UsersPage } from "./pages/users-page";
import { DEMO } from "./support/users";

test("finance sets a campaign budget; the designer is refused beyond it, with the remaining amount, before any GPU time", async ({ browser }) => {
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
  await expect(users.row(DEMO.designer.email).getByLabel(`Team of ${DEMO.designer.email}`)).toHaveValue(/[0-9a-f-]{36}/);
  const name = `Studio ${Date.now().toString(36)}`;
  await users.addTeam(name);
  await users.assignTeam(DEMO.finance.email, name);
  await expect(users.row(DEMO.finance.email).getByLabel(`Team of ${DEMO.finance.email}`).locator("option:checked")).toHaveText(name);
});
