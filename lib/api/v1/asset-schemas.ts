import { z } from "zod";
import { ALT_TEXT_STATUSES, ASSET_SOURCES, ASSET_STATUSES, DELIVERY_FORMATS, REVIEW_DECISIONS } from "@/db/schema";
import { DOWNLOAD_FORMATS } from "@/lib/delivery/download-formats";
import { LIBRARY_SORTS } from "@/lib/library/search";
import { TIERS } from "@/lib/library/query-grammar";
import { pageQuery } from "../pagination";

/** The public shapes of assets (snake_case, `object` + `id`, ISO timestamps, integer micros). */

const iso = () => z.string().meta({ description: "ISO 8601, UTC." });
const status = z
  .enum(ASSET_STATUSES)
  .meta({ description: "checking (automated checks running), in_review, approved, rejected, changes_requested." });
const tier = z.enum(TIERS).meta({ description: "draft, support or hero. Uploaded images are reviewed as support." });

export const assetListQuery = pageQuery.extend({
  q: z
    .string()
    .max(1_000)
    .default("")
    .meta({
      description:
        "The library's query grammar: `status:approved tier:hero campaign:\"Spring 26\" trail shoe`. See the console's library help for every field.",
    }),
  sort: z
    .enum(LIBRARY_SORTS)
    .default("newest")
    .meta({ description: "newest (default), oldest, relevance (needs words), cost." }),
});

export const assetSummarySchema = z
  .object({
    object: z.literal("asset"),
    id: z.string().uuid(),
    title: z.string(),
    status,
    status_reason: z.string().nullable(),
    tier: tier.nullable(),
    source: z.enum(ASSET_SOURCES),
    campaign: z.string().nullable(),
    owner_name: z.string(),
    tags: z.array(z.string()),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    cost_micros: z
      .number()
      .int()
      .meta({ description: "What the image cost: its calls, retries, re-rolls before it, edits." }),
    currency: z.literal("usd"),
    created_at: iso(),
    approved_at: iso().nullable(),
    rights_expires_at: iso().nullable(),
    url: z.string().meta({ description: "This asset in full (GET)." }),
    download_url: z.string().meta({ description: "The current version's original file." }),
  })
  .meta({ id: "AssetSummary", description: "An asset as search lists it." });

const versionSchema = z
  .object({
    object: z.literal("asset_version"),
    id: z.string().uuid().meta({ description: "The version's id (webhooks name it asset_version_id)." }),
    number: z.number().int(),
    current: z.boolean(),
    width: z.number().int(),
    height: z.number().int(),
    operation: z
      .string()
      .meta({
        description:
          "What made it: generate or upload for version 1, else the editor's operation (erase, upscale, remove_background, …).",
      }),
    created_by: z.string().nullable().meta({ description: "The name of who made it." }),
    created_at: iso(),
    original_format: z.enum(["png", "jpeg", "webp", "avif", "gif"]).nullable(),
    download_url: z
      .string()
      .meta({
        description:
          "The version's stored bytes, exactly as kept (location and device metadata were stripped at ingest).",
      }),
  })
  .meta({ id: "AssetVersion" });

const checkSchema = z
  .object({
    check: z.string().meta({ description: "The check's id, e.g. nsfw or blur." }),
    label: z.string(),
    verdict: z.enum(["pass", "warn", "fail"]),
    reason_code: z.string().nullable(),
    reason: z.string().nullable().meta({ description: "What the check found, for people." }),
    score: z.number().nullable(),
    threshold: z.number().nullable(),
  })
  .meta({ id: "CheckResult" });

export const decisionSchema = z
  .object({
    object: z.literal("review_decision"),
    id: z.string().uuid(),
    decision: z.enum(REVIEW_DECISIONS).meta({ description: "approve, approve_with_changes, request_changes, reject." }),
    reason_code: z.string().nullable().meta({ description: "The reject reason's code (admin-managed list)." }),
    note: z.string().nullable(),
    reviewer: z.string().meta({ description: "The reviewer's name." }),
    version: z.number().int().meta({ description: "The version decided on." }),
    approval_id: z.string().nullable(),
    undone: z.boolean().meta({ description: "Undone decisions stay in the record, marked." }),
    created_at: iso(),
  })
  .meta({ id: "ReviewDecision" });

const formatLinkSchema = z
  .object({ format: z.enum(DELIVERY_FORMATS), url: z.string() })
  .meta({ id: "FormatRendition" });
const placementLinkSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    channel: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    default_format: z.enum(DELIVERY_FORMATS),
    url: z
      .string()
      .nullable()
      .meta({
        description: "The placement rendition; null while the asset may not be published (see publish_problems).",
      }),
  })
  .meta({ id: "PlacementRendition" });

export const assetSchema = assetSummarySchema
  .omit({ tags: true, width: true, height: true, campaign: true, approved_at: true, rights_expires_at: true })
  .extend({
    tier,
    columns: z
      .record(z.string(), z.string())
      .meta({ description: "CSV columns carried with the asset (SKU, category…)." }),
    batch: z.object({ id: z.string().uuid(), name: z.string(), campaign: z.string().nullable() }).nullable(),
    entered_review_at: iso().nullable(),
    approval_id: z.string().nullable().meta({ description: "Set when approved; written into every published file." }),
    approvals: z.object({ given: z.number().int(), needed: z.number().int() }),
    alt_text: z.object({
      text: z.string(),
      status: z
        .enum(ALT_TEXT_STATUSES)
        .meta({ description: "none, drafting, draft (an engine's, unconfirmed), confirmed (by a person)." }),
      confirmed_at: iso().nullable(),
    }),
    usage_rights: z.object({
      licence: z.string().nullable(),
      channels: z.array(z.string()),
      expires_at: iso().nullable(),
      state: z.enum(["none", "ok", "expiring", "expired"]).meta({ description: "expiring: within 7 days." }),
    }),
    versions: z.array(versionSchema).meta({ description: "Newest first." }),
    checks: z
      .object({
        verdict: z.enum(["pass", "warn", "fail"]).nullable(),
        decided_at: iso().nullable(),
        results: z.array(checkSchema),
      })
      .meta({ description: "The newest check run of the current version." }),
    decisions: z.array(decisionSchema).meta({ description: "Every review decision, newest first." }),
    publishable: z.boolean(),
    publish_problems: z
      .array(z.string())
      .meta({ description: "Why it may not be published (exported or delivered to a placement); empty when it may." }),
    renditions: z.object({
      formats: z
        .array(formatLinkSchema)
        .meta({ description: "The current version at full size, converted (internal use: any status)." }),
      placements: z
        .array(placementLinkSchema)
        .meta({ description: "Every active placement; url only while publishable." }),
    }),
  })
  .meta({ id: "Asset" });

export type ApiAssetSummary = z.infer<typeof assetSummarySchema>;
export type ApiAsset = z.infer<typeof assetSchema>;

const QUALITY_MESSAGE = "Quality must be a whole number from 1 to 100.";
const QUALITY = z.coerce
  .number({ error: QUALITY_MESSAGE })
  .int(QUALITY_MESSAGE)
  .min(1, QUALITY_MESSAGE)
  .max(100, QUALITY_MESSAGE)
  .optional()
  .meta({
    description:
      "1–100, for jpeg, webp and avif (default: 90 for JPEG and WebP, 70 for AVIF; a placement's own for placements).",
  });

export const versionDownloadQuery = z.object({
  format: z
    .enum(DOWNLOAD_FORMATS, { error: `Format must be one of: ${DOWNLOAD_FORMATS.join(", ")}.` })
    .default("original")
    .meta({ description: "original (the stored bytes), png, jpeg, webp or avif." }),
  quality: QUALITY,
});

export const placementDownloadQuery = z.object({
  format: z
    .enum(DELIVERY_FORMATS, { error: `Format must be one of: ${DELIVERY_FORMATS.join(", ")}.` })
    .optional()
    .meta({ description: "png, jpeg, webp or avif; default: the placement's own." }),
  quality: QUALITY,
});

export const idParam = (name: string, description: string) =>
  z.object({ [name]: z.string().uuid().meta({ description }) });
