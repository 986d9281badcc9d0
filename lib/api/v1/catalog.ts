import { z } from "zod";
import type { TokenCtx } from "@/lib/api-tokens";
import { costOfCall } from "@/lib/costs/estimate";
import { listActivePresets, listActiveTemplates } from "@/lib/generation/catalog";
import type { VariableDef } from "@/lib/templates/types";
import { registerRoute } from "../openapi";

/**
 * What an integration needs before it can queue: the templates (and the variables each row fills)
 * and the presets (tier, price). Only active versions: the ones POST /batches would use.
 */
const variableSchema = z
  .object({
    name: z.string().meta({ description: "The key a row gives its value under." }),
    label: z.string(),
    type: z.enum(["text", "enum", "number"]),
    required: z.boolean(),
    options: z.array(z.string()).optional().meta({ description: "For `enum`: the allowed values." }),
    max_length: z.number().int().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    default: z.union([z.string(), z.number()]).optional(),
  })
  .meta({ id: "TemplateVariable" });

export const templateSchema = z
  .object({
    object: z.literal("template"),
    id: z.string().uuid(),
    slug: z.string(),
    name: z.string(),
    version: z.number().int().meta({ description: "The active version, which new batches use." }),
    version_id: z.string().uuid(),
    variables: z.array(variableSchema),
    title_pattern: z
      .string()
      .nullable()
      .meta({ description: "How assets are titled from a row (e.g. `{{product}} {{sku}}`)." }),
  })
  .meta({ id: "Template" });

export const presetSchema = z
  .object({
    object: z.literal("preset"),
    id: z.string().uuid(),
    slug: z.string(),
    name: z.string(),
    tier: z.enum(["draft", "support", "hero"]),
    version_id: z.string().uuid(),
    model: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    price_micros_per_image: z
      .number()
      .int()
      .meta({
        description: "The estimate for one image at the preset's size (the ledger records what each call cost).",
      }),
    currency: z.literal("usd"),
    simulator: z
      .boolean()
      .meta({ description: "True when the preset runs on the built-in GPU endpoint simulator (no real model)." }),
  })
  .meta({ id: "Preset" });

const listOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ object: z.literal("list"), data: z.array(item), has_more: z.literal(false) }).meta({ id });

function toVariable(v: VariableDef): z.infer<typeof variableSchema> {
  const base = {
    name: v.name,
    label: v.label,
    type: v.type,
    required: v.required,
    ...(v.default !== undefined ? { default: v.default } : {}),
  };
  if (v.type === "enum") return { ...base, options: v.options };
  if (v.type === "number") return { ...base, min: v.min, max: v.max };
  return { ...base, max_length: v.maxLength };
}

export async function listApiTemplates(ctx: TokenCtx) {
  const rows = await listActiveTemplates(ctx.db);
  return {
    object: "list" as const,
    has_more: false as const,
    data: rows.map(({ template, version }) => ({
      object: "template" as const,
      id: template.id,
      slug: template.slug,
      name: template.name,
      version: version.version,
      version_id: version.id,
      variables: version.definition.variables.map(toVariable),
      title_pattern: version.definition.titlePattern ?? null,
    })),
  };
}

export async function listApiPresets(ctx: TokenCtx) {
  const rows = await listActivePresets(ctx.db);
  return {
    object: "list" as const,
    has_more: false as const,
    data: rows.map(({ preset, version, provider }) => {
      const size = { width: version.params.width, height: version.params.height };
      return {
        object: "preset" as const,
        id: preset.id,
        slug: preset.slug,
        name: preset.name,
        tier: preset.tier,
        version_id: version.id,
        model: version.model,
        ...size,
        price_micros_per_image: costOfCall(version.priceModel, size),
        currency: "usd" as const,
        simulator: provider.isSimulator,
      };
    }),
  };
}

registerRoute({
  method: "get",
  path: "/api/v1/templates",
  scope: "generations:read",
  summary: "The prompt templates a batch can use, with their variables",
  tags: ["Generations"],
  responses: {
    200: {
      description: "Every template with an active version (not paginated: a catalogue is small).",
      content: { "application/json": { schema: listOf(templateSchema, "TemplateList") } },
    },
  },
});

registerRoute({
  method: "get",
  path: "/api/v1/presets",
  scope: "generations:read",
  summary: "The presets a batch can use: tier, model, size and price",
  tags: ["Generations"],
  responses: {
    200: {
      description: "Every preset with its active version (not paginated).",
      content: { "application/json": { schema: listOf(presetSchema, "PresetList") } },
    },
  },
});
