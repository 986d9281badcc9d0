import { expect, type Page } from "@playwright/test";
import type { BatchDetail } from "@/lib/generation/batch-views";
import { fromApp } from "./test";

export type CatalogIds = { templateId: string; presetIds: string[] };

/** The default template's id and the ids of the presets whose cards match, as the Generate page offers them. */
export async function catalogIds(page: Page, presets: RegExp[]): Promise<CatalogIds> {
  await page.goto("/generate");
  const templateId = await page.getByLabel("Prompt template").inputValue();
  const presetIds: string[] = [];
  for (const preset of presets) {
    await page.getByRole("radiogroup", { name: "Preset" }).getByText(preset).click();
    presetIds.push((await page.getByRole("radio", { checked: true }).getAttribute("value"))!);
  }
  return { templateId, presetIds };
}

/**
 * Queues a batch through the API as the signed-in page's user (faster than filling the form when a
 * journey only needs data), with the ids a browser would send. Returns the batch id.
 */
export async function queueBatch(
  page: Page,
  ids: { templateId: string; presetId: string },
  input: {
    productName: string;
    variants?: number;
    campaign?: string;
    name?: string;
    aspectRatios?: string[];
    carried?: Record<string, string>;
  },
): Promise<string> {
  const res = await page.request.post("/api/batches", {
    headers: fromApp(page),
    data: {
      templateId: ids.templateId,
      presetId: ids.presetId,
      name: input.name,
      campaign: input.campaign,
      variantsPerRow: input.variants ?? 1,
      aspectRatios: input.aspectRatios ?? ["1:1"],
      rows: [
        { line: 1, values: { product_name: input.productName }, ...(input.carried ? { carried: input.carried } : {}) },
      ],
      idempotencyKey: `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return ((await res.json()) as { batch: { id: string } }).batch.id;
}

export async function queueBatchViaApi(
  page: Page,
  input: { preset: RegExp; productName: string; variants?: number; campaign?: string; name?: string },
): Promise<string> {
  const { templateId, presetIds } = await catalogIds(page, [input.preset]);
  return queueBatch(page, { templateId, presetId: presetIds[0]! }, input);
}

/** Waits until the batch has finished and every image's checks have decided; returns its rows. */
export async function waitForBatchSettled(page: Page, batchId: string, timeout = 45_000): Promise<BatchDetail["rows"]> {
  let rows: BatchDetail["rows"] = [];
  await expect
    .poll(
      async () => {
        const { batch } = (await (await page.request.get(`/api/batches/${batchId}`)).json()) as { batch: BatchDetail };
        rows = batch.rows;
        // The batch's status is read a moment before its rows: a check that rejects in between adds a
        // queued re-roll the status does not show yet, so the rows must be finished too.
        const live = batch.status === "queued" || batch.status === "running";
        const open = rows.some((r) => r.status === "queued" || r.status === "running");
        return (
          !live && !open && rows.every((r) => r.status !== "succeeded" || (r.check && r.check.status !== "checking"))
        );
      },
      { timeout, intervals: [500, 1000] },
    )
    .toBe(true);
  return rows;
}
