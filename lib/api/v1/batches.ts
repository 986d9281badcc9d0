import { z } from "zod";
import type { BatchSummary } from "@/lib/generation/batch-views";
import type { SkippedRow } from "@/lib/generation/skipped-rows";
import { pageOf, registerRoute } from "../openapi";
import { pageQuery } from "../pagination";
import { createBatchSchema, csvUploadSchema } from "./batch-request";

export const BATCH_STATUSES = ["queued", "running", "completed", "cancelled"] as const;

const counts = z
  .object({
    queued: z.number().int(),
    running: z.number().int(),
    succeeded: z.number().int(),
    dead_lettered: z
      .number()
      .int()
      .meta({
        description: "Parked after its retries ran out (see each generation's `error`); retry from the console.",
      }),
    cancelled: z.number().int(),
  })
  .meta({ id: "GenerationCounts", description: "The batch's generations by state." });

export const skippedRowSchema = z
  .object({ line: z.number().int().meta({ description: "The row's line in the CSV." }), reasons: z.array(z.string()) })
  .meta({ id: "SkippedRow", description: "A CSV row that was not queued, and why." });

export const batchSchema = z
  .object({
    object: z.literal("batch"),
    id: z.string().uuid(),
    name: z.string(),
    campaign: z.string().nullable(),
    status: z
      .enum(BATCH_STATUSES)
      .meta({
        description: "`queued` (nothing started), `running`, `completed` (every generation finished), `cancelled`.",
      }),
    source: z
      .string()
      .meta({
        description: "`form` (JSON rows or one generation), `csv` (an upload), or `rerun` (made in the console).",
      }),
    total_generations: z
      .number()
      .int()
      .meta({ description: "Rows × variants × aspect ratios (re-rolls not included)." }),
    counts,
    estimate_micros: z.number().int().meta({ description: "The estimate when it was queued, in micro-dollars." }),
    estimate_seconds: z.number().int(),
    spent_micros: z
      .number()
      .int()
      .meta({
        description:
          "Cost so far (every provider call of its generations, retries and re-rolls included), in micro-dollars.",
      }),
    currency: z.literal("usd"),
    skipped_rows_count: z.number().int(),
    skipped_rows: z.array(skippedRowSchema).meta({ description: "CSV rows left out (the first 1,000)." }),
    owner_name: z.string(),
    created_at: z.string().meta({ format: "date-time" }),
    finished_at: z.string().nullable().meta({ format: "date-time" }),
  })
  .meta({ id: "Batch" });
export type BatchObject = z.infer<typeof batchSchema>;

export const queuedBatchSchema = batchSchema
  .extend({
    engine_started: z
      .boolean()
      .meta({
        description:
          "False when the background engine did not answer: the batch is saved and stays queued; resume it from the console.",
      }),
    message: z.string().optional(),
  })
  .meta({ id: "QueuedBatch" });

export function toBatchObject(b: BatchSummary, skipped?: { rows: SkippedRow[]; count: number }): BatchObject {
  return {
    object: "batch",
    id: b.id,
    name: b.name,
    campaign: b.campaign,
    status: b.status,
    source: b.source,
    total_generations: b.total,
    counts: { ...b.counts },
    estimate_micros: b.estimateMicros,
    estimate_seconds: b.estimateSeconds,
    spent_micros: b.spentMicros,
    currency: "usd",
    skipped_rows_count: skipped?.count ?? 0,
    skipped_rows: (skipped?.rows ?? []).map((r) => ({ line: r.line, reasons: r.reasons })),
    owner_name: b.owner,
    created_at: b.createdAt,
    finished_at: b.finishedAt,
  };
}

export const batchListQuery = pageQuery.extend({
  status: z.enum(BATCH_STATUSES).optional().meta({ description: "Only batches in this state." }),
});
export const idParams = z.object({ id: z.string().meta({ description: "A batch id (uuid)." }) });

registerRoute({
  method: "post",
  path: "/api/v1/batches",
  scope: "generations:write",
  summary: "Queue a batch",
  description:
    "JSON rows, or a CSV upload (multipart/form-data, `file` plus the options as fields). Every row is validated against the template's typed variables and screened against the banned terms; the batch must fit its budgets. JSON rows are all-or-nothing (a bad value is a 400 naming it, e.g. `rows.3.colour`); CSV rows with problems are skipped and listed in `skipped_rows`, as the console does. The batch starts at once. With an Idempotency-Key, a repeat returns the same batch.",
  tags: ["Generations"],
  request: {
    body: {
      required: true,
      content: {
        "application/json": { schema: createBatchSchema },
        "multipart/form-data": { schema: csvUploadSchema },
      },
    },
  },
  responses: {
    202: { description: "Queued.", content: { "application/json": { schema: queuedBatchSchema } } },
    413: { description: "The body or the CSV is too large (`payload_too_large`)." },
  },
});

registerRoute({
  method: "get",
  path: "/api/v1/batches",
  scope: "generations:read",
  summary: "List batches",
  description: "Newest first. Designers see their own batches; admins see everyone's.",
  tags: ["Generations"],
  request: { query: batchListQuery },
  responses: {
    200: {
      description: "A page of batches.",
      content: { "application/json": { schema: pageOf(batchSchema, "BatchList") } },
    },
  },
});

registerRoute({
  method: "get",
  path: "/api/v1/batches/{id}",
  scope: "generations:read",
  summary: "Get a batch",
  tags: ["Generations"],
  request: { params: idParams },
  responses: {
    200: {
      description: "The batch: state, counts, cost so far.",
      content: { "application/json": { schema: batchSchema } },
    },
    404: { description: "No such batch, or not yours (`not_found`)." },
  },
});

registerRoute({
  method: "post",
  path: "/api/v1/batches/{id}/cancel",
  scope: "generations:write",
  summary: "Cancel a batch",
  description:
    "Queued generations are cancelled at once; running calls are stopped by the engine. Finished work is kept.",
  tags: ["Generations"],
  request: { params: idParams },
  responses: {
    200: { description: "The cancelled batch.", content: { "application/json": { schema: batchSchema } } },
    404: { description: "No such batch, or not yours (`not_found`)." },
  },
});
