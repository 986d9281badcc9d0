import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { assetTags, tags } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { MAX_ASSETS_PER_CHANGE } from "@/lib/library/limits";
import { partitionAssets, type Skip } from "@/lib/library/partition";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { tagListSchema } from "./normalise";

export const tagAssetsInput = z.object({
  assetIds: z
    .array(z.string().uuid("Unknown asset."))
    .min(1, "Select at least one asset.")
    .max(MAX_ASSETS_PER_CHANGE, `At most ${MAX_ASSETS_PER_CHANGE.toLocaleString("en")} assets at a time.`),
  tags: tagListSchema,
});

export type TagChange = { affected: number; skipped: Skip[]; tags: string[] };

function assertCanTag(ctx: Ctx) {
  if (!can(ctx.actor.role, "tags.apply")) throw new AppError("forbidden", "Your role does not tag assets.");
}

/** The audit row of a tag change: one per request, naming every asset (a bulk tag is one event, not thousands). */
async function auditTagChange(
  tx: DbExecutor,
  ctx: Ctx,
  action: "asset.tagged" | "asset.untagged",
  assetIds: string[],
  names: string[],
  changed: number,
) {
  await recordAudit({
    db: tx,
    input: {
      actor: ctx.actor,
      action,
      ...(assetIds.length === 1 ? { subject: { type: "asset", id: assetIds[0]! } } : {}),
      data: { tags: names, assetIds, changed },
      ip: ctx.ip,
    },
  });
}

/**
 * Adds tags to assets the actor may act on (owner's rule: designers their own, reviewers and
 * admins all); the others are skipped with a reason. Unknown names become free tags. Tags are
 * denormalised into the search read model, refreshed in the same transaction.
 */
export async function tagAssets({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TagChange> {
  assertCanTag(ctx);
  const data = parseInput(tagAssetsInput, input);
  return ctx.db.transaction(async (tx) => {
    const { allowed, skipped } = await partitionAssets(ctx, data.assetIds, "act", tx);
    if (allowed.length === 0) return { affected: 0, skipped, tags: data.tags };
    await tx
      .insert(tags)
      .values(data.tags.map((name) => ({ name, createdBy: ctx.actor.id })))
      .onConflictDoNothing();
    const tagRows = await tx.select({ id: tags.id }).from(tags).where(inArray(tags.name, data.tags));
    const rows = allowed.flatMap((assetId) => tagRows.map((t) => ({ assetId, tagId: t.id, addedBy: ctx.actor.id })));
    let added = 0;
    // Chunked: PostgreSQL takes at most 65,535 parameters per statement.
    for (let i = 0; i < rows.length; i += 2000) {
      const inserted = await tx
        .insert(assetTags)
        .values(rows.slice(i, i + 2000))
        .onConflictDoNothing()
        .returning({ assetId: assetTags.assetId });
      added += inserted.length;
    }
    await refreshAssetSearch(tx, allowed);
    await auditTagChange(tx, ctx, "asset.tagged", allowed, data.tags, added);
    return { affected: allowed.length, skipped, tags: data.tags };
  });
}

/** Removes tags from assets the actor may act on; a name no asset carries removes nothing. Tags themselves stay. */
export async function untagAssets({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TagChange> {
  assertCanTag(ctx);
  const data = parseInput(tagAssetsInput, input);
  return ctx.db.transaction(async (tx) => {
    const { allowed, skipped } = await partitionAssets(ctx, data.assetIds, "act", tx);
    if (allowed.length === 0) return { affected: 0, skipped, tags: data.tags };
    const tagRows = await tx.select({ id: tags.id }).from(tags).where(inArray(tags.name, data.tags));
    const removed = tagRows.length
      ? await tx
          .delete(assetTags)
          .where(
            and(
              inArray(assetTags.assetId, allowed),
              inArray(
                assetTags.tagId,
                tagRows.map((t) => t.id),
              ),
            ),
          )
          .returning({ assetId: assetTags.assetId })
      : [];
    await refreshAssetSearch(tx, allowed);
    await auditTagChange(tx, ctx, "asset.untagged", allowed, data.tags, removed.length);
    return { affected: allowed.length, skipped, tags: data.tags };
  });
}

/** The tags on one asset, curated flag included, alphabetical. The caller has checked the asset is visible. */
export async function tagsOfAsset(db: DbExecutor, assetId: string): Promise<{ name: string; curated: boolean }[]> {
  return db
    .select({ name: tags.name, curated: tags.curated })
    .from(assetTags)
    .innerJoin(tags, eq(tags.id, assetTags.tagId))
    .where(eq(assetTags.assetId, assetId))
    .orderBy(tags.name);
}
