import { expect, type Page } from "@playwright/test";

export class BudgetsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/budgets");
    await expect(this.page.getByRole("heading", { name: "Budgets", level: 1 })).toBeVisible();
  }

  /** Fills "Add a budget" for a campaign and submits it. */
  async addCampaignBudget({
    campaign,
    dollars,
    period = "month",
  }: {
    campaign: string;
    dollars: string;
    period?: string;
  }) {
    const form = this.page.getByRole("form", { name: "Add a budget" });
    await form.getByLabel("Applies to").selectOption("campaign");
    await form.getByLabel("Campaign").fill(campaign);
    await form.getByLabel("Period").selectOption(period);
    await form.getByLabel("Spend limit ($)").fill(dollars);
    await form.getByRole("button", { name: "Add budget" }).click();
    await expect(form.getByText("Budget created.")).toBeVisible();
  }

  card(label: string) {
    return this.page.locator(`[data-testid=budget-card][data-label="${label}"]`);
  }

  /** Opens a budget's edit form, sets a new dollar limit and saves. */
  async setLimit(label: string, dollars: string) {
    const card = this.card(label);
    await card.getByRole("button", { name: "Edit" }).click();
    await card.getByLabel("Spend limit ($)").fill(dollars);
    await card.getByRole("button", { name: "Save" }).click();
    await expect(card.getByRole("button", { name: "Edit" })).toBeVisible();
  }
}
