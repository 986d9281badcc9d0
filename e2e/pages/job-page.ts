import { expect, type Page } from "@playwright/test";

export class JobPage {
  constructor(private readonly page: Page) {}

  tiles() {
    return this.page.getByTestId("generation-tile");
  }

  async waitUntilDone(total: number, timeout = 90_000) {
    await expect(this.page.getByTestId("batch-counts")).toContainText(`${total} done`, { timeout });
    await expect(this.page.getByText("completed", { exact: true })).toBeVisible();
  }

  async expectThumbnailsLoaded(count: number) {
    const images = this.tiles().getByRole("img");
    await expect(images).toHaveCount(count, { timeout: 60_000 });
    // Thumbnails load lazily as they scroll into view; ask for all of them now.
    await images.evaluateAll((imgs) => imgs.forEach((i) => ((i as HTMLImageElement).loading = "eager")));
    await expect.poll(() => images.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 20_000 }).toBe(count);
  }
}
