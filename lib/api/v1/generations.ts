import { z } from "zod";
import type { GenerationView } from "@/lib/generation/generation-views";
import { pageOf, registerRoute } from "../openapi";
import { pageQuery } from "../pagination";
import { createBatchSchema, createGenerationSchema } from "./batch-request";
import { idParams, queuedBatchSchema } from "./batches";

export const GENERATION_STATUSES = ["queued", "running", "succeeded", "dead_lettered", "cancelled"] as const;

export const generationSchema = z
  .object({
    object: z.literal("generation"),
    id: z.string().uuid(),
    batch_id: z.string().uuid(),
    status: z
      .enum(GENERATION_STATUSES)
      .meta({
        description:
          "`queued`, `running`, `succeeded` (an asset was made), `dead_lettered` (parked after its retries; see `error`), `cancelled`.",
      }),
    line: z.number().int().meta({ description: "The row's CSV line (JSON rows: position + 1)." }),
    variant: z.number().int().meta({ description: "Which variant × aspect ratio of the row, from 0." }),
    tier: z.enum(["draft", "support", "hero"]),
    title: z.string(),
    variables: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .meta({ description: "The row's template variables, as validated." }),
    carried_columns: z
      .record(z.string(), z.string())
      .meta({ description: "The row's other columns (SKU, category…), kept as the asset's metadata." }),
    prompt: z.string(),
    negative_prompt: z.string(),
    seed: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    attempts: z.number().int(),
    preset_version_id: z.string().uuid(),
    template_version_id: z.string().uuid(),
    reference_version_id: z.string().uuid().nullable(),
    reroll_of: z
      .string()
      .uuid()
      .nullable()
      .meta({ description: "Set on an automatic re-roll: the generation whose image the checks rejected." }),
    reroll_depth: z.number().int(),
    error: z
      .object({
        code: z
          .string()
          .nullable()
          .meta({ description: "The dead-letter reason, e.g. `provider_unavailable`, `content_filtered`." }),
        message: z.string().nullable(),
      })
      .nullable(),
    asset_id: z.string().uuid().nullable().meta({ description: "The asset it made; null until it succeeded." }),
    created_at: z.string().meta({ format: "date-time" }),
    started_at: z.string().nullable().meta({ format: "date-time" }),
    finished_at: z.string().nullable().meta({ format: "date-time" }),
  })
  .meta({ id: "Generation" });
export type GenerationObject = z.infer<typeof generationSchema>;

export function toGenerationObject(g: GenerationView): GenerationObject {
  return {
    object: "generation",
    id: g.id,
    batch_id: g.batchId,
    status: g.status,
    line: g.rowLine,
    variant: g.variantIndex,
    tier: g.tier,
    title: g.title,
    variables: g.values,
    carried_columns: g.carriedColumns ?? {},
    prompt: g.prompt,
    negative_prompt: g.negativePrompt,
    seed: g.seed,
    width: g.width,
    height: g.height,
    attempts: g.attempts,
    preset_version_id: g.presetVersionId,
    template_version_id: g.templateVersionId,
    reference_version_id: g.referenceVersionId,
    reroll_of: g.rerollOf,
    reroll_depth: g.rerollDepth,
    error: g.errorCode || g.errorMessage ? { code: g.errorCode, message: g.errorMessage } : null,
    asset_id: g.assetId,
    created_at: g.createdAt.toISOString(),
    started_at: g.startedAt?.toISOString() ?? null,
    finished_at: g.finishedAt?.toISOString() ?? null,
  };
}

export const estimateSchema = z
  .object({
    object: z.literal("estimate"),
    rows: z.number().int(),
    images: z.number().int().meta({ description: "Generations the batch would make." }),
    cost_micros: z
      .number()
      .int()
      .meta({ description: "Expected cost in micro-dollars (exact for per-image and per-megapixel prices)." }),
    currency: z.literal("usd"),
    seconds: z.number().int().meta({ description: "A rough guide to the time the batch takes." }),
    preset: z.object({ name: z.string(), tier: z.enum(["draft", "support", "hero"]) }),
    sample_prompt: z.string(),
    sample_title: z.string(),
    budgets: z.array(
      z
        .object({
          budget_id: z.string().uuid(),
          label: z.string(),
          period: z.string(),
          remaining_micros: z
            .number()
            .int()
            .nullable()
            .meta({ description: "Left of the money limit after queued work; null without one." }),
          remaining_images: z.number().int().nullable(),
          fits: z.boolean(),
        })
        .meta({ id: "BudgetHeadroom" }),
    ),
    refusal: z
      .string()
      .nullable()
      .meta({ description: "Why queueing this batch would be refused (a budget), or null." }),
  })
  .meta({ id: "Estimate" });

registerRoute({
  method: "post",
  path: "/api/v1/generations",
  scope: "generations:write",
  summary: "Queue one generation",
  description:
    "One prompt: a one-row batch (same checks, same budgets). `variables` holds the template's variables and any carried columns; errors name them as `variables.<name>`.",
  tags: ["Generations"],
  request: { body: { required: true, content: { "application/json": { schema: createGenerationSchema } } } },
  responses: {
    202: {
      description: "Queued; follow the batch's generations.",
      content: { "application/json": { schema: queuedBatchSchema } },
    },
  },
});

registerRoute({
  method: "get",
  path: "/api/v1/generations/{id}",
  scope: "generations:read",
  summary: "Get a generation",
  tags: ["Generations"],
  request: { params: z.object({ id: z.string().meta({ description: "A generation id (uuid)." }) }) },
  responses: {
    200: { description: "The generation.", content: { "application/json": { schema: generationSchema } } },
    404: { description: "No such generation, or not yours (`not_found`)." },
  },
});

registerRoute({
  method: "get",
  path: "/api/v1/batches/{id}/generations",
  scope: "generations:read",
  summary: "List a batch's generations",
  description: "In file order (line, then variant); automatic re-rolls come after the rows they replace.",
  tags: ["Generations"],
  request: { params: idParams, query: pageQuery },
  responses: {
    200: {
      description: "A page of generations.",
      content: { "application/json": { schema: pageOf(generationSchema, "GenerationList") } },
    },
    404: { description: "No such batch, or not yours (`not_found`)." },
  },
});

registerRoute({
  method: "post",
  path: "/api/v1/estimates",
  scope: "generations:read",
  summary: "Estimate a batch",
  description:
    "What POST /batches with the same body would cost, and what each applicable budget has left. Nothing is created (it is a POST because it takes a body).",
  tags: ["Generations"],
  request: { body: { required: true, content: { "application/json": { schema: createBatchSchema } } } },
  responses: { 200: { description: "The estimate.", content: { "application/json": { schema: estimateSchema } } } },
});
