import { eq } from "drizzle-orm";
import { z } from "zod";
import { assets } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { loadActionableAsset } from "./access";
import { refreshAssetSearch } from "@/lib/library/refresh";

const notesInput = z.object({
  assetId: z.string().uuid("Unknown asset."),
  notes: z.string().trim().max(2000, "Notes are at most 2,000 characters."),
});

/** The designer (or an admin) records rights and usage notes for reviewers; an empty text clears them. */
export async function setUsageNotes({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  const { assetId, notes } = parseInput(notesInput, input);
  const asset = await loadActionableAsset(ctx, assetId);
  if (asset.ownerId !== ctx.actor.id && ctx.actor.role !== "admin")
    throw new AppError("forbidden", "Only the asset's designer writes its usage notes.");
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(assets)
      .set({ usageNotes: notes || null, updatedAt: new Date() })
      .where(eq(assets.id, assetId));
    await refreshAssetSearch(tx, [assetId]);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "asset.notes_updated",
        subject: { type: "asset", id: assetId },
        data: { length: notes.length },
        ip: ctx.ip,
      },
    });
  });
}
