import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { assetComments, assetVersions, users } from "@/db/schema";
import { loadActionableAsset } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";

const unit = z.number({ error: "Pins are fractions of the image (0 to 1)." }).min(0).max(1);

/** A pin: a clicked point, or a dragged region (w and h > 0), in fractions of the image; it must lie inside. */
export const pinInput = z
  .object({ x: unit, y: unit, w: unit.positive().optional(), h: unit.positive().optional() })
  .refine((p) => (p.w === undefined) === (p.h === undefined), { message: "A region needs a width and a height." })
  .refine((p) => (p.w ?? 0) + p.x <= 1 + 1e-6 && (p.h ?? 0) + p.y <= 1 + 1e-6, {
    message: "The region must lie inside the image.",
  });

export const addCommentInput = z.object({
  versionNumber: z.number().int().positive("Unknown version."),
  body: z.string().trim().min(1, "Write the comment first.").max(2000, "Comments are at most 2,000 characters."),
  pin: pinInput.nullable().optional(),
});

export type CommentView = {
  id: string;
  versionNumber: number;
  /** The pin's marker number on its version (1, 2, …); null for a comment without a pin. */
  marker: number | null;
  author: string;
  authorRole: string;
  body: string;
  pin: { x: number; y: number; w: number | null; h: number | null } | null;
  at: string;
};

function assertMayComment(ctx: Ctx) {
  if (!can(ctx.actor.role, "assets.comment")) throw new AppError("forbidden", "Your role cannot comment on assets.");
}

/**
 * Every comment on the asset, oldest first, with each pinned comment's marker number on its version
 * (the numbers the image shows). Reviewers see every asset's, designers their own (loadActionableAsset).
 */
export async function listComments({ ctx, assetId }: { ctx: Ctx; assetId: string }): Promise<CommentView[]> {
  assertMayComment(ctx);
  const asset = await loadActionableAsset(ctx, assetId);
  const rows = await ctx.db
    .select({ c: assetComments, number: assetVersions.number, author: users.name, role: users.role })
    .from(assetComments)
    .innerJoin(assetVersions, eq(assetVersions.id, assetComments.assetVersionId))
    .innerJoin(users, eq(users.id, assetComments.authorId))
    .where(eq(assetComments.assetId, asset.id))
    .orderBy(asc(assetComments.createdAt), asc(assetComments.id));
  const markers = new Map<number, number>();
  return rows.map(({ c, number, author, role }) => {
    const pinned = c.pinX !== null && c.pinY !== null;
    const marker = pinned ? (markers.get(number) ?? 0) + 1 : null;
    if (marker) markers.set(number, marker);
    return {
      id: c.id,
      versionNumber: number,
      marker,
      author,
      authorRole: role,
      body: c.body,
      pin: pinned ? { x: c.pinX!, y: c.pinY!, w: c.pinW, h: c.pinH } : null,
      at: c.createdAt.toISOString(),
    };
  });
}

/** A comment on one version, pinned to a point or region when `pin` is given; audited. */
export async function addComment({
  ctx,
  assetId,
  input,
}: {
  ctx: Ctx;
  assetId: string;
  input: unknown;
}): Promise<CommentView> {
  assertMayComment(ctx);
  const data = parseInput(addCommentInput, input);
  const asset = await loadActionableAsset(ctx, assetId);
  const [version] = await ctx.db
    .select({ id: assetVersions.id })
    .from(assetVersions)
    .where(and(eq(assetVersions.assetId, asset.id), eq(assetVersions.number, data.versionNumber)))
    .limit(1);
  if (!version) throw new AppError("not_found", `Version ${data.versionNumber} of this asset does not exist.`);
  const id = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(assetComments)
      .values({
        assetId: asset.id,
        assetVersionId: version.id,
        authorId: ctx.actor.id,
        body: data.body,
        pinX: data.pin?.x ?? null,
        pinY: data.pin?.y ?? null,
        pinW: data.pin?.w ?? null,
        pinH: data.pin?.h ?? null,
      })
      .returning({ id: assetComments.id });
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "asset.commented",
        subject: { type: "asset", id: asset.id },
        data: {
          commentId: row!.id,
          version: data.versionNumber,
          pin: data.pin ?? null,
          comment: data.body.slice(0, 500),
        },
        ip: ctx.ip,
      },
    });
    return row!.id;
  });
  const all = await listComments({ ctx, assetId: asset.id });
  return all.find((c) => c.id === id)!;
}
