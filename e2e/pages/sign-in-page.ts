import { expect, type Page } from "@playwright/test";

export class SignInPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/sign-in${query}`);
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    // Wait for the server action's answer, so repeated attempts never overlap.
    await Promise.all([
      this.page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in"),
      this.page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    // React resets the form after a failed attempt; wait for that before anyone types again.
    await this.page.waitForFunction(
      () => ((document.querySelector("input[name=password]") as HTMLInputElement | null)?.value ?? "") === "",
    );
  }

  async signInAndWait(email: string, password: string, name: string) {
    await this.goto();
    await this.signIn(email, password);
    await expect(this.page.getByTestId("current-user")).toHaveText(name);
  }

  error() {
    return this.page.locator("[data-alert=error]");
  }
}
