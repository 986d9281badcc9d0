import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./support/test";
import { SignInPage } from "./pages/sign-in-page";
import { queueBatchViaApi, waitForBatchSettled } from "./support/batches";
import { DEMO } from "./support/users";

/** The token e2e/support/serve.ts gives the demo server. */
const TOKEN = "e2e-metrics-token-0123456789";

async function scrape(request: APIRequestContext): Promise<Map<string, number>> {
  const res = await request.get("/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status(), await res.text()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/plain");
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    samples.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return samples;
}

const sum = (samples: Map<string, number>, prefix: string) =>
  [...samples].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);

/**
 * Prometheus scrapes the production server: only with the token (a signed-in browser's session is
 * not enough), and the figures move with the work the server does — read from its database.
 */
test("the metrics endpoint wants its token, never a session, and counts a batch the server ran", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  expect((await request.get("/api/metrics")).status()).toBe(401);
  expect(
    (await request.get("/api/metrics", { headers: { authorization: "Bearer not-the-token-at-all" } })).status(),
  ).toBe(401);

  const page = await (await browser.newContext()).newPage();
  await new SignInPage(page).signInAndWait(DEMO.designer.email, DEMO.designer.password, DEMO.designer.name);
  // A signed-in session is not a scrape credential.
  expect((await page.request.get("/api/metrics")).status()).toBe(401);

  const before = await scrape(request);
  expect(before.get("kiln_metrics_database_up")).toBe(1);
  expect(before.get("process_resident_memory_bytes")).toBeGreaterThan(0);

  const batchId = await queueBatchViaApi(page, { preset: /Draft/, productName: "Metrics mug", variants: 2 });
  await waitForBatchSettled(page, batchId);

  const after = await scrape(request);
  const made = (s: Map<string, number>) =>
    s.get('kiln_generations_created_total{endpoint="kiln-simulator",tier="draft"}') ?? 0;
  const done = (s: Map<string, number>) =>
    s.get('kiln_generations_succeeded_total{endpoint="kiln-simulator",tier="draft"}') ?? 0;
  expect(made(after) - made(before)).toBe(2);
  expect(done(after) - done(before)).toBe(2);
  expect(
    after.get('kiln_provider_call_duration_seconds_count{endpoint="kiln-simulator"}')! -
      (before.get('kiln_provider_call_duration_seconds_count{endpoint="kiln-simulator"}') ?? 0),
  ).toBeGreaterThanOrEqual(2);
  expect(sum(after, "kiln_spend_micros_total")).toBeGreaterThan(sum(before, "kiln_spend_micros_total"));
  expect(sum(after, "kiln_check_verdicts_total")).toBeGreaterThan(sum(before, "kiln_check_verdicts_total"));
  expect(after.has("kiln_audit_checkpoint_seq")).toBe(true);
});

test("API responses carry a request id: the caller's when sane, else a fresh one", async ({ request }) => {
  const echoed = await request.get("/api/v1/me", { headers: { "x-request-id": "e2e-trace-42" } });
  expect(echoed.status()).toBe(401);
  expect(echoed.headers()["x-request-id"]).toBe("e2e-trace-42");
  const fresh = await request.get("/api/notifications");
  expect(fresh.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});
