import { expect, type Page } from "@playwright/test";

export class CostsPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/costs${query}`);
    await expect(this.page.getByRole("heading", { name: "Costs" })).toBeVisible();
  }

  tile(name: "spend" | "approved" | "cpu" | "reject" | "retry") {
    return this.page.getByTestId(`tile-${name}-value`);
  }

  async filterBy(label: string, option: string) {
    await this.page
      .getByRole("search", { name: "Cost filters" })
      .getByLabel(label, { exact: true })
      .selectOption({ label: option });
  }

  exportLink(table: string) {
    return this.page.getByTestId(`export-${table}`);
  }
}
