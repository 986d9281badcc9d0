import { expect, type Page } from "@playwright/test";

export class UsersPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin/users");
  }

  form() {
    return this.page.getByRole("form", { name: "Add a user" });
  }

  async createUser(u: { name: string; email: string; role: string; password: string }) {
    const form = this.form();
    await form.getByLabel("Name").fill(u.name);
    await form.getByLabel("Email").fill(u.email);
    await form.getByLabel("Role").selectOption(u.role);
    await form.getByLabel("Initial password").fill(u.password);
    await form.getByRole("button", { name: "Add user" }).click();
    await expect(this.row(u.email)).toBeVisible();
  }

  row(email: string) {
    return this.page.getByTestId(`user-row-${email}`);
  }

  async deactivate(email: string) {
    await this.row(email).getByRole("button", { name: "Deactivate" }).click();
    await this.page.getByTestId("confirm-dialog").getByRole("button", { name: "Deactivate" }).click();
    await expect(this.row(email).getByText("deactivated")).toBeVisible();
  }

  async changeRole(email: string, role: string) {
    await this.row(email).getByLabel(`Role of ${email}`).selectOption(role);
    await this.page.getByTestId("confirm-dialog").getByRole("button", { name: "Change role" }).click();
    await expect(this.page.getByText("Role changed.")).toBeVisible();
  }

  async addTeam(name: string) {
    const form = this.page.getByRole("form", { name: "Add a team" });
    await form.getByLabel("New team").fill(name);
    await form.getByRole("button", { name: "Add team" }).click();
    await expect(this.page.getByTestId("teams-card").getByText(name, { exact: true })).toBeVisible();
  }

  async assignTeam(email: string, team: string) {
    await this.row(email).getByLabel(`Team of ${email}`).selectOption({ label: team });
    await expect(this.page.getByText("Team changed.")).toBeVisible();
  }
}
