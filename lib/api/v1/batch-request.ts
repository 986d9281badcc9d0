import { createHash } from "node:crypto";
import { z } from "zod";
import { TIERS } from "@/db/schema";
import type { TokenCtx } from "@/lib/api-tokens";
import { parseCsv } from "@/lib/batches/csv";
import { suggestMapping, type ColumnMapping } from "@/lib/batches/map-columns";
import { validateRows } from "@/lib/batches/validate-rows";
import { AppError, parseInput } from "@/lib/errors";
import { MAX_ROWS } from "@/lib/generation/batch-input";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { ASPECT_RATIOS, type AspectRatio } from "@/lib/generation/sizes";
import type { SkippedRowInput } from "@/lib/generation/skipped-rows";
import { REFERENCE_STRENGTH } from "@/lib/providers/reference-image";
import { checkVariable } from "@/lib/templates/render";
import type { TemplateDefinition } from "@/lib/templates/types";
import { ApiError } from "../errors";

const ratioKeys = Object.keys(ASPECT_RATIOS) as [AspectRatio, ...AspectRatio[]];

/** The options every way of queueing shares (JSON batch, CSV upload, one generation, estimate). */
export const batchOptionsSchema = z.object({
  template_id: z
    .string()
    .uuid("Give the id of a prompt template.")
    .meta({ description: "The prompt template; its active version is used." }),
  preset_id: z.string().uuid().optional().meta({ description: "The preset to use. Give this or `tier`." }),
  tier: z
    .enum(TIERS)
    .optional()
    .meta({
      description: "Use the first active preset of this tier (draft, support, hero) when no `preset_id` is given.",
    }),
  name: z.string().trim().max(120).optional().meta({ description: "Defaults to the template's name and the time." }),
  campaign: z
    .string()
    .trim()
    .max(80)
    .optional()
    .meta({ description: "Campaign budgets, quotas and holds apply to it." }),
  variants_per_row: z.coerce
    .number()
    .int()
    .min(1)
    .max(8)
    .default(1)
    .meta({ description: "Images per row and aspect ratio, 1–8." }),
  aspect_ratios: z
    .array(z.enum(ratioKeys))
    .min(1)
    .max(ratioKeys.length)
    .default(["1:1"])
    .meta({ description: "One generation per row × variant × ratio. Sizes keep the preset's pixel budget." }),
  reference: z
    .object({
      version_id: z.string().uuid().meta({ description: "An asset version every generation starts from (img2img)." }),
      strength: z.coerce
        .number()
        .min(REFERENCE_STRENGTH.min)
        .max(REFERENCE_STRENGTH.max)
        .meta({ description: "Denoising strength." }),
    })
    .optional(),
});
export type BatchOptions = z.output<typeof batchOptionsSchema>;

/**
 * One row: the template's variables by name, plus any other keys, which are carried columns (SKU,
 * category…) kept on the generations and their assets as metadata. A `tier` key (when the template
 * has no variable of that name) sets the row's tier, as a CSV's tier column does.
 */
export const rowSchema = z
  .record(z.string().min(1).max(100), z.union([z.string().max(5000), z.number(), z.null()]))
  .meta({
    id: "BatchRow",
    description: "Variables by name, plus carried columns (any other key) and an optional `tier`.",
    example: { product: "trail shoe", sku: "KLN-0042" },
  });

export const createBatchSchema = batchOptionsSchema
  .extend({
    rows: z.array(rowSchema).min(1, "Give at least one row.").max(MAX_ROWS, `At most ${MAX_ROWS} rows per batch.`),
  })
  .meta({ id: "BatchRequest" });

export const createGenerationSchema = batchOptionsSchema
  .extend({ variables: rowSchema })
  .meta({ id: "GenerationRequest" });

/** The multipart form of POST /batches: the file plus the same options as form fields (documentation only). */
export const csvUploadSchema = z
  .object({
    file: z
      .string()
      .meta({
        description: "The CSV (header row; up to 5 MB and 10,000 rows), UTF-8 or Windows-1252, delimiter detected.",
        format: "binary",
      }),
    template_id: z.string().uuid(),
    preset_id: z.string().uuid().optional(),
    tier: z.enum(TIERS).optional(),
    name: z.string().optional(),
    campaign: z.string().optional(),
    variants_per_row: z.string().optional().meta({ description: "1–8; default 1." }),
    aspect_ratios: z
      .string()
      .optional()
      .meta({ description: "Comma-separated (or the field repeated), e.g. `1:1,16:9`; default `1:1`." }),
    mapping: z.string().optional().meta({
      description:
        'JSON: variable → column header, or `{"constant": value}` for every row. Columns named like a variable (any case and separators) are mapped without it; the rest are carried.',
    }),
    tier_column: z
      .string()
      .optional()
      .meta({ description: "A column giving each row's tier; default a column headed `tier`, if any." }),
    reference_version_id: z.string().uuid().optional(),
    reference_strength: z.string().optional(),
  })
  .meta({ id: "BatchCsvUpload" });

export type QueueRow = {
  line: number;
  values: Record<string, string | number>;
  carried: Record<string, string>;
  tier?: (typeof TIERS)[number];
};

/** What lib/generation's queueBatch / estimateBatch take, built from the public options and checked rows. */
export type QueueInput = {
  templateId: string;
  presetId: string;
  name?: string;
  campaign?: string;
  variantsPerRow: number;
  aspectRatios: AspectRatio[];
  source: "form" | "csv";
  reference?: { versionId: string; strength: number };
  rows: QueueRow[];
};

export async function templateFor(ctx: TokenCtx, templateId: string): Promise<TemplateDefinition> {
  try {
    return (await getActiveTemplate(ctx.db, templateId)).version.definition;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found")
      throw new ApiError("invalid_input", "No active template has that id.", "template_id");
    throw error;
  }
}

async function presetFor(ctx: TokenCtx, options: BatchOptions): Promise<string> {
  const presets = await listActivePresets(ctx.db);
  if (options.preset_id) {
    if (!presets.some((p) => p.preset.id === options.preset_id))
      throw new ApiError("invalid_input", "No active preset has that id.", "preset_id");
    return options.preset_id;
  }
  if (!options.tier) throw new ApiError("invalid_input", "Give a preset_id or a tier.", "preset_id");
  const match = presets.find((p) => p.preset.tier === options.tier);
  if (!match) throw new ApiError("invalid_input", `No preset exists for the ${options.tier} tier.`, "tier");
  return match.preset.id;
}

export async function toQueueInput(
  ctx: TokenCtx,
  options: BatchOptions,
  rows: QueueRow[],
  source: "form" | "csv",
): Promise<QueueInput> {
  return {
    templateId: options.template_id,
    presetId: await presetFor(ctx, options),
    ...(options.name ? { name: options.name } : {}),
    ...(options.campaign ? { campaign: options.campaign } : {}),
    variantsPerRow: options.variants_per_row,
    aspectRatios: options.aspect_ratios,
    source,
    ...(options.reference
      ? { reference: { versionId: options.reference.version_id, strength: options.reference.strength } }
      : {}),
    rows,
  };
}

/**
 * JSON rows, checked strictly: the first bad value is a 400 naming it (`rows.3.colour`). Values go
 * through the same column mapping, validation and carried-column rules as a CSV upload.
 */
export function rowsFromJson(
  definition: TemplateDefinition,
  rows: Record<string, string | number | null>[],
  fieldOf: (index: number) => string,
): QueueRow[] {
  const names = new Set(definition.variables.map((v) => v.name));
  const tierKey = names.has("tier") ? undefined : "tier";
  rows.forEach((row, i) => {
    for (const variable of definition.variables) {
      const checked = checkVariable(variable, row[variable.name]);
      if (!checked.ok)
        throw new ApiError(
          "invalid_input",
          `${fieldOf(i)}.${variable.name}: ${checked.message}`,
          `${fieldOf(i)}.${variable.name}`,
        );
    }
    const tier = tierKey ? row[tierKey] : null;
    if (tier !== undefined && tier !== null && tier !== "" && !TIERS.some((t) => t === String(tier).toLowerCase()))
      throw new ApiError(
        "invalid_input",
        `${fieldOf(i)}.tier: the tier is one of ${TIERS.join(", ")}.`,
        `${fieldOf(i)}.tier`,
      );
  });
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const mapping: ColumnMapping = Object.fromEntries(
    definition.variables.filter((v) => headers.includes(v.name)).map((v) => [v.name, v.name]),
  );
  const csvRows = rows.map((row, i) => ({
    line: i + 1,
    values: Object.fromEntries(headers.map((h) => [h, row[h] === null || row[h] === undefined ? "" : String(row[h])])),
  }));
  const checked = validateRows({
    definition,
    csv: { headers, rows: csvRows },
    mapping,
    ...(tierKey && headers.includes(tierKey) ? { tier: { column: tierKey } } : {}),
  });
  const bad = checked.invalid[0];
  if (bad) throw new ApiError("invalid_input", `${fieldOf(bad.line - 1)}: ${bad.errors[0]}`, fieldOf(bad.line - 1));
  return checked.valid.map(toQueueRow);
}

function toQueueRow(r: {
  line: number;
  values: Record<string, unknown>;
  carried: Record<string, string>;
  tier?: string;
}): QueueRow {
  return {
    line: r.line,
    values: r.values as Record<string, string | number>,
    carried: r.carried,
    ...(r.tier ? { tier: r.tier as QueueRow["tier"] } : {}),
  };
}

/**
 * A CSV upload, read the way the console's Generate page reads it (lib/batches): parsed, columns
 * mapped to variables (suggested by name, then the caller's mapping), every row validated. Rows
 * with problems are skipped with their reasons, as the console leaves them out of the batch.
 */
export function rowsFromCsv(
  definition: TemplateDefinition,
  file: Uint8Array,
  options: { mapping?: ColumnMapping; tierColumn?: string },
): { rows: QueueRow[]; skipped: SkippedRowInput[] } {
  let csv;
  try {
    csv = parseCsv(file);
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_input")
      throw new ApiError("invalid_input", error.message, "file");
    throw error;
  }
  const mapping = { ...suggestMapping(definition, csv.headers), ...options.mapping };
  const tierColumn = options.tierColumn ?? csv.headers.find((h) => h.trim().toLowerCase() === "tier");
  let checked;
  try {
    checked = validateRows({ definition, csv, mapping, ...(tierColumn ? { tier: { column: tierColumn } } : {}) });
  } catch (error) {
    const field = error instanceof AppError && error.fields ? Object.keys(error.fields)[0] : undefined;
    if (field)
      throw new ApiError(
        "invalid_input",
        error instanceof Error ? error.message : "Column mapping",
        field === "tier" ? "tier_column" : `mapping.${field}`,
      );
    throw error;
  }
  const skipped = checked.invalid.map((r) => ({ line: r.line, reasons: r.errors, values: r.values }));
  if (checked.valid.length === 0) {
    const first = skipped[0];
    throw new ApiError(
      "invalid_input",
      first
        ? `No row of the file can be queued; line ${first.line}: ${first.reasons[0]}`
        : "The file has no data rows.",
      "file",
    );
  }
  return { rows: checked.valid.map(toQueueRow), skipped };
}

/** The options of a multipart upload as the JSON body would give them, checked with the same schema. */
export function optionsFromForm(form: FormData): {
  options: BatchOptions;
  mapping?: ColumnMapping;
  tierColumn?: string;
} {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  const ratios = form
    .getAll("aspect_ratios")
    .flatMap((v) => (typeof v === "string" ? v.split(",") : []))
    .map((s) => s.trim())
    .filter(Boolean);
  const refId = text("reference_version_id");
  const options = parseInput(batchOptionsSchema, {
    template_id: text("template_id"),
    preset_id: text("preset_id"),
    tier: text("tier"),
    name: text("name"),
    campaign: text("campaign"),
    variants_per_row: text("variants_per_row"),
    aspect_ratios: ratios.length ? ratios : undefined,
    reference: refId ? { version_id: refId, strength: text("reference_strength") } : undefined,
  });
  let mapping: ColumnMapping | undefined;
  const rawMapping = text("mapping");
  if (rawMapping) {
    const parsed = z
      .record(z.string(), z.union([z.string(), z.object({ constant: z.union([z.string(), z.number()]) })]))
      .safeParse(safeJson(rawMapping));
    if (!parsed.success)
      throw new ApiError(
        "invalid_input",
        'mapping: a JSON object of variable → column header (or {"constant": value}).',
        "mapping",
      );
    mapping = parsed.data;
  }
  const tierColumn = text("tier_column");
  return { options, ...(mapping ? { mapping } : {}), ...(tierColumn ? { tierColumn } : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The batch's own idempotency key: the request's Idempotency-Key for this token, or a fresh one. */
export function batchKeyFor(ctx: TokenCtx, request: Request): string {
  const key = request.headers.get("idempotency-key")?.trim();
  if (!key) return crypto.randomUUID();
  return `api-${createHash("sha256").update(`${ctx.token.id}:${key}`).digest("hex").slice(0, 40)}`;
}
