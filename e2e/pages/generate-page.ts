import { expect, type Page } from "@playwright/test";

export class GeneratePage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/generate");
    await expect(this.page.getByRole("heading", { name: "Generate" })).toBeVisible();
  }

  async pickPreset(name: RegExp) {
    await this.page.getByRole("radiogroup", { name: "Preset" }).getByText(name).click();
  }

  estimate() {
    return this.page.getByTestId("estimate");
  }

  queueButton() {
    return this.page.getByRole("button", { name: /^Queue/ });
  }

  async uploadCsv(name: string, content: string) {
    await this.page.getByRole("tab", { name: "CSV batch" }).click();
    await this.page
      .getByTestId("csv-input")
      .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(content) });
  }
}
