import { expect, type Page } from "@playwright/test";

export class UploadsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/uploads");
    await expect(this.page.getByRole("heading", { name: "Uploads" })).toBeVisible();
  }

  async upload(files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await this.page.getByTestId("upload-input").setInputFiles(files);
  }

  tile(filename: string) {
    return this.page.getByTestId("upload-tile").filter({ hasText: filename });
  }

  uploadButton() {
    return this.page.getByText("Upload images");
  }
}
