import { z } from "zod";
import { TIERS } from "@/db/schema";
import { carriedColumnsSchema } from "@/lib/batches/carry-columns";
import { valueMapSchema } from "@/lib/batches/value-map";
import { REFERENCE_STRENGTH } from "@/lib/providers/reference-image";
import { ASPECT_RATIOS, type AspectRatio } from "./sizes";

const ratioKeys = Object.keys(ASPECT_RATIOS) as [AspectRatio, ...AspectRatio[]];

export const MAX_ROWS = 10_000;
export const MAX_GENERATIONS_PER_BATCH = 20_000;

/** What a designer sends to estimate or queue a batch (the CSV route builds `rows` server-side). */
export const batchRequestSchema = z.object({
  name: z.string().trim().max(120).optional(),
  campaign: z.string().trim().max(80).optional(),
  templateId: z.string().uuid("Pick a template."),
  presetId: z.string().uuid("Pick a preset."),
  variantsPerRow: z.coerce.number().int().min(1, "At least one variant per row.").max(8, "At most 8 variants per row."),
  aspectRatios: z.array(z.enum(ratioKeys)).min(1, "Pick at least one aspect ratio.").max(ratioKeys.length),
  source: z.enum(["form", "csv"]).default("form"),
  /** An asset version every generation starts from (img2img), with the denoising strength. */
  reference: z
    .object({
      versionId: z.string().uuid("Pick a reference image."),
      strength: z.coerce
        .number()
        .min(REFERENCE_STRENGTH.min, `Strength is at least ${REFERENCE_STRENGTH.min}.`)
        .max(REFERENCE_STRENGTH.max, `Strength is at most ${REFERENCE_STRENGTH.max}.`),
    })
    .optional(),
  rows: z
    .array(
      z.object({
        line: z.number().int().min(1),
        values: z.record(z.string(), z.unknown()),
        /** CSV columns that feed no variable (SKU, category…): kept on the generation and its asset as metadata. */
        carried: carriedColumnsSchema.optional(),
        tier: z.enum(TIERS).optional(),
      }),
    )
    .min(1, "There is nothing to generate.")
    .max(MAX_ROWS, `At most ${MAX_ROWS.toLocaleString("en-US")} rows per batch.`),
  /**
   * File values → allowed values, the default, or "leave the row out", per enum variable. `rows[].values`
   * are then as written in the file; the server checks the map against the template and applies it.
   */
  valueMap: valueMapSchema.optional(),
});

/** A CSV row the browser left out (a problem it found), with the file's cells for the error CSV. */
export const skippedRowSchema = z.object({
  line: z.number().int().min(1),
  reasons: z.array(z.string().max(1000)).min(1).max(20),
  values: z.record(z.string().max(500), z.string().max(5000)).optional(),
});

export const queueRequestSchema = batchRequestSchema.extend({
  idempotencyKey: z.string().min(8, "Missing request key; reload the page.").max(100),
  /** Rows of the file not sent in `rows` (problems found in the browser): recorded with the batch. */
  skipped: z.array(skippedRowSchema).max(MAX_ROWS).optional(),
});

export type BatchRequest = z.output<typeof batchRequestSchema>;
