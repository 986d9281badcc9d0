import { eq } from "drizzle-orm";
import { assets } from "@/db/schema";
import { loadActionableAsset, loadVisibleAsset, seesAssetOwnedBy } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { rightsInput } from "./schema";

export type AssetRights = {
  licence: string | null;
  channels: string[];
  expiresAt: string | null;
  noticeSentAt: string | null;
};

function assertMayDescribe(ctx: Ctx) {
  if (!can(ctx.actor.role, "assets.describe")) throw new AppError("forbidden", "Your role does not describe assets.");
}

/**
 * Sets (or, with every field empty, clears) an asset's usage rights. A changed expiry clears the
 * week-before notice, so the new expiry gets its own. The library's read model changes with it.
 */
export async function setAssetRights({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { assetId: string } & Record<string, unknown>;
}): Promise<AssetRights> {
  assertMayDescribe(ctx);
  const data = parseInput(rightsInput, input);
  const now = new Date();
  const { id } = await loadActionableAsset(ctx, input.assetId);
  return ctx.db.transaction(async (tx) => {
    const [asset] = await tx.select().from(assets).where(eq(assets.id, id)).for("update");
    if (!asset) throw new AppError("not_found", "That asset does not exist or is not yours.");
    const expiryChanged = (asset.rightsExpiresAt?.getTime() ?? null) !== (data.expiresAt?.getTime() ?? null);
    if (expiryChanged && data.expiresAt && data.expiresAt.getTime() <= now.getTime()) {
      throw new AppError("invalid_input", "The expiry is in the past: pick a later date, or clear it.", {
        fields: { expiresAt: ["The expiry is in the past."] },
      });
    }
    const [row] = await tx
      .update(assets)
      .set({
        rightsLicence: data.licence,
        rightsChannels: data.channels,
        rightsExpiresAt: data.expiresAt,
        ...(expiryChanged ? { rightsNoticeSentAt: null } : {}),
        updatedAt: now,
      })
      .where(eq(assets.id, asset.id))
      .returning();
    await refreshAssetSearch(tx, [asset.id]);
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "asset.rights_changed",
        subject: { type: "asset", id: asset.id },
        data: {
          before: {
            licence: asset.rightsLicence,
            channels: asset.rightsChannels,
            expiresAt: asset.rightsExpiresAt?.toISOString() ?? null,
          },
          after: { licence: data.licence, channels: data.channels, expiresAt: data.expiresAt?.toISOString() ?? null },
        },
        ip: ctx.ip,
      },
    });
    return toRights(row!);
  });
}

function toRights(
  a: Pick<typeof assets.$inferSelect, "rightsLicence" | "rightsChannels" | "rightsExpiresAt" | "rightsNoticeSentAt">,
): AssetRights {
  return {
    licence: a.rightsLicence,
    channels: a.rightsChannels ?? [],
    expiresAt: a.rightsExpiresAt?.toISOString() ?? null,
    noticeSentAt: a.rightsNoticeSentAt?.toISOString() ?? null,
  };
}

/** The asset page's rights card: what is recorded, and whether this actor may change it. */
export async function getRightsCard({
  ctx,
  assetId,
}: {
  ctx: Ctx;
  assetId: string;
}): Promise<AssetRights & { assetId: string; canEdit: boolean }> {
  const asset = await loadVisibleAsset(ctx, assetId);
  return {
    assetId: asset.id,
    ...toRights(asset),
    canEdit: can(ctx.actor.role, "assets.describe") && seesAssetOwnedBy(ctx, asset.ownerId),
  };
}
