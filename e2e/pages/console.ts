import type { Page } from "@playwright/test";

export class Console {
  constructor(private readonly page: Page) {}

  nav() {
    return this.page.getByRole("navigation", { name: "Console" });
  }

  async navLabels(): Promise<string[]> {
    // Each link's label, without the count badge some areas carry.
    return (await this.nav().locator("a [data-label]").allTextContents()).map((s) => s.trim());
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out" }).click();
    await this.page.waitForURL("**/sign-in**");
  }
}
