import { expect, type Page } from "@playwright/test";

/** The unified editor (/assets/:id/edit). */
export class EditorPage {
  constructor(private readonly page: Page) {}

  versions() {
    return this.page.getByTestId("version-item");
  }

  version(n: number) {
    return this.page.locator(`[data-testid="version-item"][data-version="${n}"]`);
  }

  async expectVersions(count: number, newest: RegExp | string) {
    await expect(this.versions()).toHaveCount(count, { timeout: 60_000 });
    await expect(this.versions().first().getByTestId("version-operation")).toHaveText(newest);
    await expect(this.page.getByTestId("editing-version")).toContainText(`Editing v${count}`);
  }

  /** Drags the brush across the middle of the image (in screen space; the stage maps it to image pixels). */
  async paintStroke() {
    const box = (await this.page.getByTestId("mask-canvas").boundingBox())!;
    const y = box.y + box.height * 0.5;
    await this.page.mouse.move(box.x + box.width * 0.35, y);
    await this.page.mouse.down();
    for (let i = 1; i <= 10; i++) await this.page.mouse.move(box.x + box.width * (0.35 + i * 0.03), y + i * 2);
    await this.page.mouse.up();
  }

  /** The current image's bytes, fetched with the designer's session. */
  async imageBytes(): Promise<Buffer> {
    const src = await this.page.getByTestId("editor-image").getAttribute("src");
    // Retried: the API context may reuse a keep-alive socket the server has just closed (ECONNRESET).
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.page.request.get(src!);
        expect(res.ok()).toBe(true);
        return Buffer.from(await res.body());
      } catch (error) {
        if (attempt >= 3 || !/ECONNRESET|socket hang up/.test(String(error))) throw error;
      }
    }
  }

  async expectImageLoaded() {
    await expect
      .poll(
        () =>
          this.page
            .getByTestId("editor-image")
            .evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth),
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
  }
}

/** PNG colour type (IHDR byte 25): 6 = RGBA, 2 = RGB. */
export const pngColourType = (png: Buffer) => png[25];
export const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });
