import { z } from "zod";
import { TIERS } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { listReviewQueue, type QueueItem, type QueuePageKey } from "@/lib/review/queue";
import { ApiError } from "../errors";
import { pageOf, registerRoute } from "../openapi";
import { pageQuery, type Page } from "../pagination";
import { assetUrl } from "./asset-view";
import { CURSOR_TIME } from "./urls";

export const reviewQueueQuery = pageQuery.extend({
  tier: z.enum(TIERS).optional(),
  campaign: z.string().trim().max(120).optional(),
  preset_id: z.string().uuid().optional(),
  designer_id: z.string().uuid().optional(),
  warnings: z
    .enum(["only", "none"])
    .optional()
    .meta({ description: "only: assets a check warned about; none: assets every check passed." }),
});

export const reviewItemSchema = z
  .object({
    object: z.literal("review_item"),
    id: z.string().uuid().meta({ description: "The asset's id." }),
    title: z.string(),
    columns: z.record(z.string(), z.string()).meta({ description: "CSV columns carried with the asset (SKU…)." }),
    version: z.number().int().meta({ description: "The version awaiting a decision." }),
    tier: z.string(),
    campaign: z.string().nullable(),
    preset: z.string(),
    designer: z.string(),
    prompt: z.string(),
    entered_review_at: z.string(),
    age_minutes: z.number().int(),
    over_sla: z.boolean(),
    check_verdict: z.enum(["pass", "warn", "fail"]).nullable(),
    checks: z.array(
      z.object({
        check: z.string(),
        label: z.string(),
        verdict: z.enum(["pass", "warn", "fail"]),
        reason_code: z.string().nullable(),
      }),
    ),
    approvals: z.object({ given: z.number().int(), needed: z.number().int() }),
    claimed_by_me: z.boolean(),
    asset_url: z.string().meta({ description: "The asset in full, with its file links." }),
  })
  .meta({ id: "ReviewItem", description: "An asset waiting for the token owner's decision." });

export type ApiReviewItem = z.infer<typeof reviewItemSchema>;

function toItem(i: QueueItem): ApiReviewItem {
  return {
    object: "review_item",
    id: i.assetId,
    title: i.title,
    columns: i.metadata,
    version: i.versionNumber,
    tier: i.tier,
    campaign: i.campaign,
    preset: i.preset,
    designer: i.designer,
    prompt: i.prompt,
    entered_review_at: i.enteredReviewAt,
    age_minutes: i.ageMinutes,
    over_sla: i.overSla,
    check_verdict: i.checkVerdict as ApiReviewItem["check_verdict"],
    checks: i.checks.map((c) => ({ check: c.checkId, label: c.label, verdict: c.verdict, reason_code: c.reasonCode })),
    approvals: { given: i.approvals, needed: i.approvalsNeeded },
    claimed_by_me: i.claimedByMe,
    asset_url: assetUrl(i.assetId),
  };
}

// The queue's key may have no time (assets that entered review before it was recorded), so its
// cursor is its own: base64url JSON of [time | null, id].
function encodeQueueCursor(key: QueuePageKey): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString("base64url");
}

function decodeQueueCursor(cursor: string | undefined): QueuePageKey | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (
      (at === null || (typeof at === "string" && CURSOR_TIME.test(at))) &&
      typeof id === "string" &&
      /^[0-9a-f-]{36}$/i.test(id)
    )
      return { at, id };
  } catch {
    // fall through
  }
  throw new ApiError("invalid_input", "The cursor is not one this API gave out.", "cursor");
}

/** What /review shows the token's owner, oldest first, a page at a time (the same lib verb and rules). */
export async function listApiReviewQueue(ctx: Ctx, query: unknown): Promise<Page<ApiReviewItem>> {
  const q = parseInput(reviewQueueQuery, query);
  const result = await listReviewQueue({
    ctx,
    input: {
      tier: q.tier,
      campaign: q.campaign,
      presetId: q.preset_id,
      designerId: q.designer_id,
      warnings: q.warnings,
    },
    page: { limit: q.limit, after: decodeQueueCursor(q.cursor) },
  });
  const next = result.next ?? null;
  return {
    object: "list",
    data: result.items.map(toItem),
    has_more: next !== null,
    next_cursor: next ? encodeQueueCursor(next) : null,
  };
}

registerRoute({
  method: "get",
  path: "/api/v1/review/queue",
  scope: "review:read",
  summary: "The review queue",
  description:
    "What the console's /review shows the token's owner (a reviewer or admin): assets in review that are not their own work, not claimed by another reviewer and not yet approved by them, oldest first. Decisions on an asset are in GET /api/v1/assets/{id} (`decisions`).",
  tags: ["Review"],
  request: { query: reviewQueueQuery },
  responses: {
    200: {
      description: "A page of the queue.",
      content: { "application/json": { schema: pageOf(reviewItemSchema, "ReviewQueue") } },
    },
  },
});
