import type { APIRequestContext, Browser } from "@playwright/test";

/**
 * What the benches that drive a running Kiln over HTTP share (bench:pipeline, bench:responsiveness):
 * signing in as a person does, reading the ids the Generate page sends, queueing a batch through the
 * API, reading a batch's rows, waiting, percentiles.
 */

/** Signs in through the sign-in page; the returned request context carries the session cookie. */
export async function signIn(b: Browser, base: string, email: string, password: string): Promise<APIRequestContext> {
  const context = await b.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), { timeout: 60_000 }),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  await page.close();
  return context.request;
}

export type BatchIds = { templateId: string; presetId: string };

/** The ids a browser sends: the Generate page's template and the preset card whose name matches. */
export async function generateIds(
  b: Browser,
  base: string,
  request: APIRequestContext,
  preset: RegExp,
): Promise<BatchIds> {
  const context = await b.newContext({ baseURL: base, storageState: await request.storageState() });
  const page = await context.newPage();
  await page.goto("/generate");
  const templateId = await page.getByLabel("Prompt template").inputValue();
  await page.getByRole("radiogroup", { name: "Preset" }).getByText(preset).click();
  const presetId = (await page.getByRole("radio", { checked: true }).getAttribute("value"))!;
  await context.close();
  return { templateId, presetId };
}

/** Queues `rows` products × `variants` square images, as the Generate page's POST does; returns the batch id. */
export async function queueBatch(
  request: APIRequestContext,
  base: string,
  ids: BatchIds,
  batch: { rows: number; variants: number; name: string },
): Promise<string> {
  const res = await request.post("/api/batches", {
    headers: { origin: base },
    data: {
      ...ids,
      name: batch.name,
      variantsPerRow: batch.variants,
      aspectRatios: ["1:1"],
      rows: Array.from({ length: batch.rows }, (_, i) => ({
        line: i + 1,
        values: { product_name: `${batch.name} product ${i + 1}` },
      })),
      idempotencyKey: `bench-${batch.name}-${Date.now()}`,
    },
  });
  if (res.status() >= 300) throw new Error(`batch refused: ${res.status()} ${await res.text()}`);
  return ((await res.json()) as { batch: { id: string } }).batch.id;
}

/** The batch's rows as the Jobs page reads them. */
export async function batchRows<Row>(request: APIRequestContext, id: string): Promise<Row[]> {
  const res = await request.get(`/api/batches/${id}`);
  if (res.status() !== 200) throw new Error(`GET /api/batches/${id} answered ${res.status()}`);
  return ((await res.json()) as { batch: { rows: Row[] } }).batch.rows;
}

/** Polls `ok` every `everyMs` until it is true; throws, naming `what`, after `timeoutMs`. */
export async function waitFor(
  ok: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The q-th quantile (nearest rank) of xs; NaN when empty. */
export function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
