import { expect, type Page } from "@playwright/test";

export class JobPage {
  constructor(private readonly page: Page) {}

  tiles() {
    return this.page.getByTestId("generation-tile");
  }

  /**
   * Waits until the batch is completed with every one of its `rows` done, nothing failed. An image
   * the checks reject is generated again in the same batch (a re-roll), so "done" counts the rows
   * plus the re-rolls the page reports. Returns how many generations are done (thumbnails to expect).
   */
  async waitUntilDone(rows: number, timeout = 90_000): Promise<number> {
    const counts = this.page.getByTestId("batch-counts");
    let done = 0;
    await expect
      .poll(
        async () => {
          const text = (await counts.textContent()) ?? "";
          const completed = await this.page.getByText("completed", { exact: true }).isVisible();
          const outcomes = this.page.getByTestId("asset-counts");
          const rerolled = Number(
            /(\d+) re-rolled/.exec((await outcomes.count()) ? ((await outcomes.textContent()) ?? "") : "")?.[1] ?? 0,
          );
          done = Number(/(\d+) done/.exec(text)?.[1] ?? -1);
          const failed = Number(/(\d+) failed/.exec(text)?.[1] ?? -1);
          return completed && done === rows + rerolled && failed === 0;
        },
        { timeout, message: `batch completed with ${rows} rows done (plus any re-rolls), none failed` },
      )
      .toBe(true);
    return done;
  }

  /** `count` thumbnails shown and loaded; with `atLeast`, more may come (a re-roll of an image the checks reject later). */
  async expectThumbnailsLoaded(count: number, { atLeast = false } = {}) {
    const images = this.tiles().getByRole("img");
    if (atLeast) await expect.poll(() => images.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(count);
    else await expect(images).toHaveCount(count, { timeout: 60_000 });
    // Thumbnails load lazily as they scroll into view; ask for all of them now.
    await images.evaluateAll((imgs) => imgs.forEach((i) => ((i as HTMLImageElement).loading = "eager")));
    const loaded = () =>
      images.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length);
    if (atLeast) await expect.poll(loaded, { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
    else await expect.poll(loaded, { timeout: 20_000 }).toBe(count);
  }
}
