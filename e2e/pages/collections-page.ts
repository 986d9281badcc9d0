import { expect, type Page } from "@playwright/test";

/** /collections, /collections/[id] and the asset page's Organise card. */
export class CollectionsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/collections");
    await expect(this.page.getByRole("heading", { name: "Collections", level: 1 })).toBeVisible();
  }

  card(name: string) {
    return this.page.getByTestId(`collection-${name}`);
  }

  tiles() {
    return this.page.getByTestId("collection-tile");
  }

  /** Every thumbnail on the board decoded (the blob route answered with an image, not a 404). */
  async expectThumbnailsLoaded(count: number) {
    await expect(this.tiles()).toHaveCount(count);
    await expect
      .poll(
        () =>
          this.tiles()
            .locator("img")
            .evaluateAll(
              (imgs) =>
                imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length,
            ),
        {
          message: "thumbnails loaded",
        },
      )
      .toBe(count);
  }

  // The asset page's Organise card.
  organise() {
    return this.page.getByTestId("organise-panel");
  }

  async createBoardFromAsset(name: string) {
    await this.organise().getByPlaceholder("New collection").fill(name);
    await this.organise().getByRole("button", { name: "Create & add" }).click();
    await expect(this.organise().getByRole("status")).toContainText(`Created “${name}” with this asset.`);
    await expect(this.organise().getByTestId("asset-collections")).toContainText(name);
  }

  async addAssetToBoard(name: string) {
    await this.organise().getByTestId("collection-picker").selectOption({ label: name });
    await this.organise().getByRole("button", { name: "Add", exact: true }).last().click();
    await expect(this.organise().getByTestId("asset-collections")).toContainText(name);
  }
}
