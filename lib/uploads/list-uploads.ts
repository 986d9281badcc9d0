import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { assets, auditEvents, uploads, users, type Upload } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { blobRouteUrl as blobUrl } from "@/lib/storage/keys";
import { seesAllUploads } from "./access";

export type UploadView = Pick<
  Upload,
  "id" | "filename" | "contentType" | "bytes" | "width" | "height" | "status" | "error"
> & {
  createdAt: string;
  owner: string;
  originalUrl: string;
  thumbUrl: string | null;
  previewUrl: string | null;
  /** Transparent pixels (a checkerboard behind the thumbnail); null until the renditions say. */
  hasAlpha: boolean | null;
  /** Metadata Kiln did not keep at ingest ("exif", "gps", "camera make", …), from the upload.created audit entry. */
  metadataRemoved: string[];
  /** The asset a ready upload became (lib/assets/create-from-upload.ts): its page, editor and review. */
  asset: { id: string; status: string; statusReason: string | null; canEdit: boolean } | null;
};

function toView(
  u: Upload,
  owner: string,
  metadataRemoved: string[] = [],
  asset: UploadView["asset"] = null,
): UploadView {
  return {
    id: u.id,
    filename: u.filename,
    contentType: u.contentType,
    bytes: u.bytes,
    width: u.width,
    height: u.height,
    status: u.status,
    error: u.error,
    createdAt: u.createdAt.toISOString(),
    owner,
    originalUrl: blobUrl(u.blobKey),
    thumbUrl: u.renditions.thumb ? blobUrl(u.renditions.thumb.key) : null,
    previewUrl: u.renditions.preview ? blobUrl(u.renditions.preview.key) : null,
    hasAlpha: u.renditions.thumb?.hasAlpha ?? null,
    metadataRemoved,
    asset,
  };
}

/** Newest first. Designers see their own uploads; admins and reviewers see everyone's. */
export async function listUploads({ ctx, limit = 200 }: { ctx: Ctx; limit?: number }): Promise<UploadView[]> {
  const mineOnly = !seesAllUploads(ctx);
  const rows = await ctx.db
    .select({
      upload: uploads,
      owner: users.name,
      assetId: assets.id,
      assetStatus: assets.status,
      statusReason: assets.statusReason,
    })
    .from(uploads)
    .innerJoin(users, eq(users.id, uploads.ownerId))
    .leftJoin(assets, eq(assets.uploadId, uploads.id))
    .where(mineOnly ? eq(uploads.ownerId, ctx.actor.id) : undefined)
    .orderBy(desc(uploads.createdAt))
    .limit(limit);
  const removed = await metadataRemovedFor(
    ctx,
    rows.map((r) => r.upload.id),
  );
  const canEdit = (ownerId: string) =>
    can(ctx.actor.role, "assets.edit") && (ownerId === ctx.actor.id || ctx.actor.role === "admin");
  return rows.map((r) =>
    toView(
      r.upload,
      r.owner,
      removed.get(r.upload.id),
      r.assetId && r.assetStatus
        ? { id: r.assetId, status: r.assetStatus, statusReason: r.statusReason, canEdit: canEdit(r.upload.ownerId) }
        : null,
    ),
  );
}

/** What ingest stripped from each upload, as its upload.created audit entry recorded it (one indexed query). */
async function metadataRemovedFor(ctx: Ctx, ids: string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: auditEvents.subjectId, data: auditEvents.data })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.subjectType, "upload"),
        inArray(auditEvents.subjectId, ids),
        eq(auditEvents.action, "upload.created"),
      ),
    );
  const parsed = z.object({ metadata: z.object({ removed: z.array(z.string()) }) });
  return new Map(
    rows.flatMap((r) => {
      const data = parsed.safeParse(r.data);
      return r.id && data.success ? [[r.id, data.data.metadata.removed] as const] : [];
    }),
  );
}

export async function getOwnUpload({ ctx, uploadId }: { ctx: Ctx; uploadId: string }): Promise<Upload> {
  if (!z.string().uuid().safeParse(uploadId).success)
    throw new AppError("not_found", "That upload does not exist or is not yours.");
  const ownerFilter = ctx.actor.role === "admin" ? undefined : eq(uploads.ownerId, ctx.actor.id);
  const [row] = await ctx.db
    .select()
    .from(uploads)
    .where(and(eq(uploads.id, uploadId), ownerFilter))
    .limit(1);
  if (!row) throw new AppError("not_found", "That upload does not exist or is not yours.");
  return row;
}
