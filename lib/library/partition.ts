import { and, inArray } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { assets } from "@/db/schema";
import { seesAssetOwnedBy } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { ASSET_COLUMNS, visibleAssetsCondition } from "./visibility";

export type SkipReason = "not_found" | "read_only";
export type Skip = { assetId: string; reason: SkipReason };

export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  not_found: "not found",
  read_only: "shared with you read-only",
};

/**
 * Splits asset ids into those the actor may change under `rule` and the rest with a reason:
 * "see" = the visibility rule (own, all for reviewers and admins, shared boards), "act" = the
 * owner's rule (a shared board gives no right to change an asset). Unknown and invisible ids both
 * read "not found", so a request cannot probe for other people's assets.
 */
export async function partitionAssets(
  ctx: Ctx,
  assetIds: string[],
  rule: "see" | "act",
  db: DbExecutor = ctx.db,
): Promise<{ allowed: string[]; skipped: Skip[] }> {
  const ids = [...new Set(assetIds)];
  if (ids.length === 0) return { allowed: [], skipped: [] };
  const rows = await db
    .select({ id: assets.id, ownerId: assets.ownerId })
    .from(assets)
    .where(and(inArray(assets.id, ids), visibleAssetsCondition(ctx, ASSET_COLUMNS)));
  const visible = new Map(rows.map((r) => [r.id, r.ownerId]));
  const allowed: string[] = [];
  const skipped: Skip[] = [];
  for (const id of ids) {
    const ownerId = visible.get(id);
    if (ownerId === undefined) skipped.push({ assetId: id, reason: "not_found" });
    else if (rule === "act" && !seesAssetOwnedBy(ctx, ownerId)) skipped.push({ assetId: id, reason: "read_only" });
    else allowed.push(id);
  }
  return { allowed, skipped };
}

/** "skipped 3 (not found: 1, shared with you read-only: 2)", or "" when nothing was skipped. */
export function describeSkips(skipped: { reason: string }[]): string {
  if (skipped.length === 0) return "";
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  const parts = [...byReason].map(([reason, n]) => `${SKIP_REASON_TEXT[reason as SkipReason] ?? reason}: ${n}`);
  return `skipped ${skipped.length} (${parts.join(", ")})`;
}
