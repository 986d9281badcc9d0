import { expect, type Page } from "@playwright/test";

/** The asset library (/assets): the query box, facets, results and the bulk bar. */
export class LibraryPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(query ? `/assets?q=${encodeURIComponent(query)}` : "/assets");
    await expect(this.page.getByRole("heading", { name: "Library", level: 1 })).toBeVisible();
  }

  queryBox() {
    return this.page.getByTestId("library-query");
  }

  /** Types a query and presses Enter; waits for the URL to carry it. */
  async search(query: string) {
    await this.queryBox().fill(query);
    await this.queryBox().press("Enter");
    await expect(this.page).toHaveURL((url) => (url.searchParams.get("q") ?? "") === query.trim());
    await this.settled();
  }

  /** Waits until the results on screen answer the query in the URL (the previous ones stay while it loads). */
  async settled() {
    await expect(this.total()).toHaveAttribute("data-busy", "false");
  }

  tiles() {
    return this.page.getByTestId("library-tile");
  }

  tile(assetId: string) {
    return this.page.locator(`[data-testid="library-tile"][data-asset-id="${assetId}"]`);
  }

  total() {
    return this.page.getByTestId("library-total");
  }

  async expectTotal(n: number) {
    // The figure is the answer to the query in the URL, not the previous one still on screen.
    await this.settled();
    await expect(this.total()).toHaveAttribute("data-total", String(n));
  }

  facet(field: string, value: string) {
    return this.page.locator(`[data-testid="facet-value"][data-field="${field}"][data-value="${value}"]`);
  }

  /** Clicks a facet value, opening "Show all" of its group when the value is not among the first few. */
  async clickFacet(field: string, value: string) {
    const button = this.facet(field, value);
    // The facets load beside the results; wait for this group before deciding whether to expand it.
    await expect(this.page.locator(`[data-facet="${field}"]`)).toBeVisible();
    if (!(await button.isVisible()))
      await this.page
        .locator(`[data-facet="${field}"]`)
        .getByRole("button", { name: /^Show all/ })
        .click();
    await button.click();
    await expect(button).toHaveAttribute("aria-pressed", "true");
  }

  chips() {
    return this.page.getByTestId("filter-chip");
  }

  /** Opens a preset's or template's versions under its facet entry; returns the version buttons. */
  async openVersions(field: "preset" | "template", value: string) {
    const toggle = this.page.locator(
      `[data-facet="${field}"] [data-testid="facet-versions-toggle"][data-value="${value}"]`,
    );
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    return this.page.locator(`[data-facet="${field}"] [data-testid="facet-value"][data-value^="${value}@"]`);
  }

  async setDensity(label: "Compact" | "Comfortable" | "Large") {
    await this.page.getByRole("group", { name: "Density" }).getByRole("button", { name: label }).click();
  }

  /** Selects every tile on screen: the first by click, the rest as one shift-click range. */
  async selectRange() {
    const count = await this.tiles().count();
    await this.tiles().first().getByTestId("tile-select").click();
    if (count > 1)
      await this.tiles()
        .last()
        .getByTestId("tile-select")
        .click({ modifiers: ["Shift"] });
    await expect(this.page.getByTestId("selection-count")).toHaveText(`${count} selected`);
    return count;
  }
}
