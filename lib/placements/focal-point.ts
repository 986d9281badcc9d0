import { eq } from "drizzle-orm";
import { z } from "zod";
import { assets } from "@/db/schema";
import { loadActionableAsset } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";

const fraction = (axis: string) =>
  z
    .number({ message: `${axis} is a fraction of the image (0–1).` })
    .min(0, `${axis} is at least 0 (the image's edge).`)
    .max(1, `${axis} is at most 1 (the image's edge).`);

/** `{x, y}` as fractions of the image, or `{reset: true}` to go back to sharp's attention strategy. */
export const focalPointInput = z.union([
  z.object({ x: fraction("x"), y: fraction("y") }).strict(),
  z.object({ reset: z.literal(true) }).strict(),
]);

export type FocalPointResult = { assetId: string; focal: { x: number; y: number } | null };

/**
 * Moves (or clears) where every placement of the asset crops around. The owner's rule applies
 * (designers their own assets, reviewers and admins all); a board shared with one's team does not
 * give this right. The point is stored as fractions, so it holds for every version of the asset.
 */
export async function setFocalPoint({
  ctx,
  assetId,
  input,
}: {
  ctx: Ctx;
  assetId: string;
  input: unknown;
}): Promise<FocalPointResult> {
  if (!can(ctx.actor.role, "assets.describe")) throw new AppError("forbidden", "You may not set focal points.");
  const parsed = parseInput(focalPointInput, input);
  const focal = "reset" in parsed ? null : { x: round4(parsed.x), y: round4(parsed.y) };
  const asset = await loadActionableAsset(ctx, assetId);
  return ctx.db.transaction(async (tx) => {
    await tx
      .update(assets)
      .set({ focalX: focal?.x ?? null, focalY: focal?.y ?? null, updatedAt: new Date() })
      .where(eq(assets.id, asset.id));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "asset.focal_point_set",
        subject: { type: "asset", id: asset.id },
        data: {
          from: asset.focalX === null || asset.focalY === null ? null : { x: asset.focalX, y: asset.focalY },
          to: focal,
        },
        ip: ctx.ip,
      },
    });
    return { assetId: asset.id, focal };
  });
}

/** Four decimals (a tenth of a pixel on an 8K image): what `real` keeps anyway, stated. */
function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
