import type { TokenCtx } from "@/lib/api-tokens";
import { parseInput } from "@/lib/errors";
import { cancelBatch, startBatch, type GenerationSender } from "@/lib/generation/batch-actions";
import { getBatchSummary, listBatchesPage } from "@/lib/generation/batch-views";
import { getGenerationView, listBatchGenerationsPage } from "@/lib/generation/generation-views";
import { estimateBatch, queueBatch } from "@/lib/generation/queue-batch";
import { skippedRowsOf, type SkippedRowInput } from "@/lib/generation/skipped-rows";
import { ApiError } from "../errors";
import { decodeCursor, toPage, type Page } from "../pagination";
import {
  batchKeyFor,
  createBatchSchema,
  createGenerationSchema,
  optionsFromForm,
  rowsFromCsv,
  rowsFromJson,
  templateFor,
  toQueueInput,
  type QueueInput,
} from "./batch-request";
import { batchListQuery, toBatchObject, type BatchObject } from "./batches";
import { toGenerationObject, type GenerationObject } from "./generations";

/**
 * The public API's generation verbs: each turns a request into the console's own lib/generation
 * call (queueBatch + startBatch, estimateBatch, cancelBatch, the Jobs page's views) and maps the
 * result to the public shape. Permission and visibility are decided there, as for the console.
 */

async function readJsonBody(request: Request): Promise<unknown> {
  try {
    return JSON.parse(await request.text()) as unknown;
  } catch {
    throw new ApiError("invalid_input", "The body is not valid JSON.");
  }
}

async function batchObject(ctx: TokenCtx, batchId: string): Promise<BatchObject> {
  const summary = await getBatchSummary({ ctx, batchId });
  return toBatchObject(summary, (await skippedRowsOf(ctx.db, [batchId])).get(batchId));
}

/** Queues as the console's POST /api/batches does: queueBatch, then startBatch with the engine's sender. */
async function queueAndStart(
  ctx: TokenCtx,
  input: QueueInput,
  skipped: SkippedRowInput[],
  key: string,
  send: GenerationSender,
) {
  const { batch, created } = await queueBatch({ ctx, input: { ...input, idempotencyKey: key }, skipped });
  const start = created
    ? await startBatch({ ctx, input: { batchId: batch.id }, send, sendKey: "created" })
    : { started: true };
  return {
    ...(await batchObject(ctx, batch.id)),
    engine_started: start.started,
    ...(start.message ? { message: start.message } : {}),
  };
}

/** POST /batches: JSON rows, or a CSV upload read as the Generate page reads one. */
export async function queueBatchRequest(ctx: TokenCtx, request: Request, send: GenerationSender) {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData().catch(() => {
      throw new ApiError("invalid_input", "The multipart body could not be read.");
    });
    const file = form.get("file");
    if (!file || typeof file === "string")
      throw new ApiError("invalid_input", "Attach the CSV as the `file` field.", "file");
    const { options, mapping, tierColumn } = optionsFromForm(form);
    const definition = await templateFor(ctx, options.template_id);
    const { rows, skipped } = rowsFromCsv(definition, new Uint8Array(await file.arrayBuffer()), {
      mapping,
      tierColumn,
    });
    return queueAndStart(ctx, await toQueueInput(ctx, options, rows, "csv"), skipped, batchKeyFor(ctx, request), send);
  }
  const body = parseInput(createBatchSchema, await readJsonBody(request));
  const rows = rowsFromJson(await templateFor(ctx, body.template_id), body.rows, (i) => `rows.${i}`);
  return queueAndStart(ctx, await toQueueInput(ctx, body, rows, "form"), [], batchKeyFor(ctx, request), send);
}

/** POST /generations: one prompt is a one-row batch, through the same path. */
export async function queueGenerationRequest(ctx: TokenCtx, request: Request, send: GenerationSender) {
  const body = parseInput(createGenerationSchema, await readJsonBody(request));
  const rows = rowsFromJson(await templateFor(ctx, body.template_id), [body.variables], () => "variables");
  return queueAndStart(ctx, await toQueueInput(ctx, body, rows, "form"), [], batchKeyFor(ctx, request), send);
}

/** POST /estimates: the plan Queue would make, nothing written. */
export async function estimateRequest(ctx: TokenCtx, request: Request) {
  const body = parseInput(createBatchSchema, await readJsonBody(request));
  const rows = rowsFromJson(await templateFor(ctx, body.template_id), body.rows, (i) => `rows.${i}`);
  const e = await estimateBatch({ ctx, input: await toQueueInput(ctx, body, rows, "form") });
  return {
    object: "estimate" as const,
    rows: e.rows,
    images: e.images,
    cost_micros: e.micros,
    currency: "usd" as const,
    seconds: e.seconds,
    preset: { name: e.preset.name, tier: e.preset.tier },
    sample_prompt: e.samplePrompt,
    sample_title: e.sampleTitle,
    budgets: e.budgets.headroom.map((h) => ({
      budget_id: h.budgetId,
      label: h.label,
      period: h.period,
      remaining_micros: h.remainingMicros,
      remaining_images: h.remainingImages,
      fits: h.fitsMoney && h.fitsImages,
    })),
    refusal: e.budgets.refusal,
  };
}

export async function listBatchesRequest(ctx: TokenCtx, request: Request): Promise<Page<BatchObject>> {
  const q = parseInput(batchListQuery, Object.fromEntries(new URL(request.url).searchParams));
  const rows = await listBatchesPage({
    ctx,
    limit: q.limit + 1,
    after: decodeCursor(q.cursor),
    ...(q.status ? { status: q.status } : {}),
  });
  const skipped = await skippedRowsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    q.limit,
    (r) => ({ at: r.createdAt, id: r.id }),
    (r) => toBatchObject(r, skipped.get(r.id)),
  );
}

export const getBatchRequest = (ctx: TokenCtx, batchId: string) => batchObject(ctx, batchId);

/** POST /batches/{id}/cancel: the console's cancel verb, then the batch as it now stands. */
export async function cancelBatchRequest(ctx: TokenCtx, batchId: string, send: GenerationSender): Promise<BatchObject> {
  await getBatchSummary({ ctx, batchId }); // an id that is not a uuid is a 404 here, as on GET
  await cancelBatch({ ctx, input: { batchId }, send });
  return batchObject(ctx, batchId);
}

export async function listGenerationsRequest(
  ctx: TokenCtx,
  request: Request,
  batchId: string,
): Promise<Page<GenerationObject>> {
  const q = parseInput(
    batchListQuery.pick({ limit: true, cursor: true }),
    Object.fromEntries(new URL(request.url).searchParams),
  );
  const rows = await listBatchGenerationsPage({ ctx, batchId, limit: q.limit + 1, after: decodeCursor(q.cursor) });
  return toPage(rows, q.limit, (g) => ({ at: g.createdAt.toISOString(), id: g.id }), toGenerationObject);
}

export async function getGenerationRequest(ctx: TokenCtx, generationId: string): Promise<GenerationObject> {
  return toGenerationObject(await getGenerationView({ ctx, generationId }));
}
