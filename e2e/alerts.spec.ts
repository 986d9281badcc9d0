import { expect, test } from "./support/test";
import { queueBatchViaApi } from "./support/batches";
import { setSimulator } from "./support/simulator";
import { SignInPage } from "./pages/sign-in-page";
import { DEMO } from "./support/users";

test("an admin sets an error-rate alert on the simulator; failing calls make it fire, on the page and in the admin's notifications", async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const name = `Simulator failing ${Date.now().toString(36)}`;
  await new SignInPage(page).signInAndWait(DEMO.admin.email, DEMO.admin.password, DEMO.admin.name);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page).toHaveURL(/\/admin\/alerts$/);
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
  // The demo server has no SMTP server: the form says so instead of pretending to send.
  await expect(page.getByTestId("email-not-configured")).toContainText("E-mail: not configured");

  const form = page.getByRole("form", { name: "Add an alert rule" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("What it watches").selectOption({ label: "GPU endpoint error rate" });
  await form.getByLabel("GPU endpoint").selectOption({ label: "Kiln GPU simulator" });
  await expect(form.getByText("Fire when more than this share of calls fails (percent)")).toBeVisible();
  await form.getByLabel(/Fire when more than this share/).fill("1");
  await form.getByLabel("Over the last (minutes)").fill("15");
  await form.getByRole("button", { name: "Add rule" }).click();
  const row = page.getByTestId(`alert-rule-${name}`);
  await expect(row).toContainText("Error rate of Kiln GPU simulator above 1% over the last 15 minutes");
  await expect(row.getByTestId("alert-state")).toHaveText("OK");
  await expect(row.getByTestId("alert-last-value")).toContainText("not evaluated yet");

  // The simulator fails every call; a batch's calls are ledgered as failed.
  await setSimulator(request, { errorRate: 1 });
  try {
    await queueBatchViaApi(page, { preset: /Draft/, productName: `Alert mug ${Date.now().toString(36)}`, variants: 6 });
    await page.goto("/admin/alerts");
    // Evaluate now until at least 5 failed calls are in (an endpoint needs 5 before its rate counts).
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Evaluate now" }).click();
          await expect(page.getByRole("status").filter({ hasText: /^Evaluated \d+ rules?/ })).toBeVisible();
          return page.getByTestId(`alert-rule-${name}`).getAttribute("data-state");
        },
        { timeout: 90_000, intervals: [1000, 2000, 3000] },
      )
      .toBe("firing");
  } finally {
    await setSimulator(request, { errorRate: 0 });
  }
  await expect(row.getByTestId("alert-state")).toContainText(/Firing\s*since \d+ \w+ \d{4}, \d\d:\d\d UTC/);
  await expect(row.getByTestId("alert-last-value")).toContainText(/\d+(\.\d)?%/);
  const fired = page.getByTestId("alert-event").filter({ hasText: name });
  await expect(fired).toHaveCount(1);
  await expect(fired).toContainText("Fired");
  await expect(fired).toContainText(`Alert "${name}" is firing`);
  await expect(fired).toContainText(/In the app: \d+ admins? · Webhooks: off/);
  await page.screenshot({ path: "/tmp/alerts-page.png", fullPage: true });

  // The admin is told in the app: Home's badge and notification list, linking back to the alerts.
  await page.goto("/");
  const note = page
    .getByTestId("notifications")
    .locator('[data-kind="alert"]')
    .filter({ hasText: `Alert "${name}" is firing` });
  await expect(note).toHaveCount(1);
  await expect(note).toHaveAttribute("data-read", "false");
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: /Home/ })).toContainText(
    /\d+/,
  );
  await page.screenshot({ path: "/tmp/alerts-home.png", fullPage: true });
  await note.getByRole("link").click();
  await expect(page).toHaveURL(/\/admin\/alerts$/);

  // Disabling the rule puts it back to OK and stops its evaluation.
  await page.getByTestId(`alert-rule-${name}`).getByRole("button", { name: "Disable" }).click();
  await expect(page.getByTestId(`alert-rule-${name}`)).toHaveAttribute("data-state", "disabled");
});
