import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { assetEdits, assets, assetVersions, generations, uploads, type Rendition } from "@/db/schema";
import { seesAssetOwnedBy } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { isAssetSharedWithActor } from "@/lib/library/visibility";
import { seesUploadOwnedBy } from "@/lib/uploads/access";
import { serveBlob } from "./http";
import { blobOwnerOf } from "./keys";
import type { BlobKey, BlobStore } from "./types";

/** The row a blob belongs to; `id` is the upload's or the asset's id (for sharing through collections). */
type BlobOwner = { rule: "upload" | "asset"; ownerId: string; id: string };
type Referencing = { blobKey: string | null; renditions: Record<string, Rendition> | null };

const references = (row: Referencing, key: BlobKey) =>
  row.blobKey === key || Object.values(row.renditions ?? {}).some((r) => r?.key === key);

/**
 * The record a blob belongs to: the key layout (lib/storage/keys.ts) names the row, and that row
 * must reference this exact key. A key that only looks right (a stray copy, a guessed name
 * beside a real upload) belongs to nothing.
 */
export async function ownerOfBlob(db: Db, key: BlobKey): Promise<BlobOwner | null> {
  const ref = blobOwnerOf(key);
  if (!ref) return null;
  if (ref.kind === "upload") {
    const [row] = await db
      .select({ ownerId: uploads.ownerId, blobKey: uploads.blobKey, renditions: uploads.renditions })
      .from(uploads)
      .where(eq(uploads.id, ref.id));
    return row && references(row, key) ? { rule: "upload", ownerId: row.ownerId, id: ref.id } : null;
  }
  if (ref.kind === "generation") {
    // A generation's image is version 1 of its asset; the asset's owner is the generation's.
    const [row] = await db
      .select({
        ownerId: generations.ownerId,
        blobKey: generations.blobKey,
        renditions: generations.renditions,
        assetId: assets.id,
      })
      .from(generations)
      .leftJoin(assets, eq(assets.generationId, generations.id))
      .where(eq(generations.id, ref.id));
    return row && references(row, key) ? { rule: "asset", ownerId: row.ownerId, id: row.assetId ?? ref.id } : null;
  }
  const [asset] = await db.select({ ownerId: assets.ownerId }).from(assets).where(eq(assets.id, ref.id));
  if (!asset) return null;
  const versions = await db
    .select({ blobKey: assetVersions.blobKey, renditions: assetVersions.renditions })
    .from(assetVersions)
    .where(eq(assetVersions.assetId, ref.id));
  if (versions.some((v) => references(v, key))) return { rule: "asset", ownerId: asset.ownerId, id: ref.id };
  const [mask] = await db
    .select({ id: assetEdits.id })
    .from(assetEdits)
    .where(and(eq(assetEdits.assetId, ref.id), eq(assetEdits.maskBlobKey, key)))
    .limit(1);
  return mask ? { rule: "asset", ownerId: asset.ownerId, id: ref.id } : null;
}

/**
 * Read access through a collection shared with the actor's team (decision 0016): the asset's
 * blobs, or an upload's when an asset made from that upload is on such a board. Edit masks are
 * stored under the asset too and follow it.
 */
async function sharedThroughCollection(ctx: Ctx, owner: BlobOwner): Promise<boolean> {
  if (owner.rule === "asset") return isAssetSharedWithActor(ctx, owner.id);
  const made = await ctx.db.select({ id: assets.id }).from(assets).where(eq(assets.uploadId, owner.id));
  for (const a of made) if (await isAssetSharedWithActor(ctx, a.id)) return true;
  return false;
}

/**
 * A blob is readable by whoever may see the upload or asset it belongs to (designers their own,
 * reviewers and admins all, and assets on a board shared with their team; finance none).
 * Everything else is "not found", never "forbidden", so keys cannot be probed for existence.
 */
export async function assertBlobVisible({ ctx, key }: { ctx: Ctx; key: BlobKey }): Promise<void> {
  const owner = await ownerOfBlob(ctx.db, key);
  const visible =
    owner !== null &&
    ((owner.rule === "upload" ? seesUploadOwnedBy(ctx, owner.ownerId) : seesAssetOwnedBy(ctx, owner.ownerId)) ||
      (await sharedThroughCollection(ctx, owner)));
  if (!visible) throw new AppError("not_found", "That file does not exist or was deleted.");
}

/** GET/HEAD of /api/blobs/<key>: the visibility check, then the bytes. */
export async function readBlob({
  ctx,
  store,
  key,
  request,
}: {
  ctx: Ctx;
  store: BlobStore;
  key: BlobKey;
  request: { method: string; headers: Headers };
}): Promise<Response> {
  await assertBlobVisible({ ctx, key });
  return serveBlob(store, key, request);
}
