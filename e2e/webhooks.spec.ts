import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { SignInPage } from "./pages/sign-in-page";
import { expect, test } from "./support/test";
import { DEMO } from "./support/users";

/**
 * A designer registers a webhook endpoint pointing at a receiver this spec runs on loopback (the e2e
 * server allows private addresses with KILN_WEBHOOK_ALLOW_PRIVATE=1), sends a test event, sees it
 * delivered with 200 in the log, and redelivers it. The receiver verifies every request with the
 * standardwebhooks package and the secret the page showed.
 */
type Got = { body: string; headers: Record<string, string>; verified: boolean };

async function startReceiver(secret: () => string) {
  const got: Got[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === "string"),
      );
      let verified = false;
      try {
        new Webhook(secret()).verify(body, headers);
        verified = true;
      } catch {
        verified = false;
      }
      got.push({ body, headers, verified });
      res.writeHead(200, { "content-type": "text/plain" }).end("received by the e2e receiver");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kiln-hooks`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test("a designer adds a webhook endpoint, sends a test event, sees it delivered with 200 and redelivers it", async ({
  page,
}) => {
  let secret = "";
  const receiver = await startReceiver(() => secret);
  try {
    await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
    await page.goto("/developers/webhooks");
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await expect(page.getByTestId("webhooks-empty")).toContainText("No webhook endpoints yet");
    await page.screenshot({ path: "/tmp/webhooks-empty.png", fullPage: true });

    await page.getByRole("button", { name: "Add endpoint" }).click();
    const form = page.getByRole("form", { name: "Add webhook endpoint" });
    await form.getByLabel("Endpoint URL").fill(receiver.url);
    await form.getByLabel("Description").fill("E2E receiver");
    await form.getByRole("checkbox", { name: "asset.approved" }).check();
    await form.getByRole("checkbox", { name: "batch.completed" }).check();
    await form.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText(`Endpoint added for ${receiver.url}`)).toBeVisible();
    secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);

    const card = page.getByRole("region", { name: `Webhook endpoint ${receiver.url}` });
    await expect(card).toContainText("Enabled");
    await expect(card).toContainText("E2E receiver");
    await card.getByRole("button", { name: "Send test event" }).click();
    const row = card.getByTestId("delivery-row").first();
    await expect(row).toContainText("webhook.test");
    await expect(row.getByTestId("last-code")).toHaveText("200", { timeout: 30_000 });
    await expect(row).toContainText("succeeded");
    expect(receiver.got).toHaveLength(1);
    expect(receiver.got[0]!.verified).toBe(true);
    expect(JSON.parse(receiver.got[0]!.body)).toMatchObject({ type: "webhook.test" });

    await row.getByRole("button", { name: "Redeliver" }).click();
    await expect(card.getByTestId("attempt-log")).toContainText("redelivered by hand");
    await expect(row.locator("td").nth(2)).toHaveText("2");
    expect(receiver.got).toHaveLength(2);
    expect(receiver.got[1]!.verified).toBe(true);
    expect(receiver.got[1]!.headers["webhook-id"]).toBe(receiver.got[0]!.headers["webhook-id"]);

    // The secret can be shown again to its owner.
    await card.getByRole("button", { name: "Reveal secret" }).click();
    await expect(card.getByTestId("webhook-secret")).toHaveText(secret);
    await page.screenshot({ path: "/tmp/webhooks-page.png", fullPage: true });
  } finally {
    await receiver.close();
  }
});
