import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { uploads, type Rendition } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { createAssetFromUpload } from "@/lib/assets/create-from-upload";
import { AppError } from "@/lib/errors";
import { readAll, writeRendition, type RenditionName } from "@/lib/images/renditions";
import type { BlobStore } from "@/lib/storage/types";

export { RENDITION_SPECS, type RenditionName } from "@/lib/images/renditions";

/** Makes one rendition of an upload (idempotent: fixed key per upload and size). */
export async function makeRendition({
  db,
  store,
  uploadId,
  name,
}: {
  db: Db;
  store: BlobStore;
  uploadId: string;
  name: RenditionName;
}): Promise<Rendition> {
  const [upload] = await db.select().from(uploads).where(eq(uploads.id, uploadId)).limit(1);
  if (!upload) throw new AppError("not_found", `Upload ${uploadId} does not exist.`);
  const original = await store.get(upload.blobKey);
  if (!original) throw new AppError("not_found", `The original of upload ${uploadId} is missing from storage.`);
  return writeRendition({ store, source: await readAll(original.body), prefix: `uploads/${uploadId}`, name });
}

/**
 * Marks the upload ready and, in the same transaction, makes it an asset (lib/assets/create-from-upload.ts):
 * a ready upload always has its asset. Returns the asset's check run, which the caller requests.
 */
export async function markRenditionsReady({
  db,
  uploadId,
  renditions,
}: {
  db: Db;
  uploadId: string;
  renditions: Record<string, Rendition>;
}): Promise<{ assetId: string; checkRunId: string }> {
  return db.transaction(async (tx) => {
    const [upload] = await tx
      .update(uploads)
      .set({ status: "ready", renditions, error: null, updatedAt: new Date() })
      .where(eq(uploads.id, uploadId))
      .returning();
    if (!upload) throw new AppError("not_found", `Upload ${uploadId} does not exist.`);
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "upload.renditions_ready",
        subject: { type: "upload", id: uploadId },
        data: { names: Object.keys(renditions) },
      },
    });
    const asset = await createAssetFromUpload(tx, upload);
    return { assetId: asset.assetId, checkRunId: asset.checkRunId };
  });
}

export async function markRenditionsFailed({
  db,
  uploadId,
  reason,
}: {
  db: Db;
  uploadId: string;
  reason: string;
}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(uploads)
      .set({ status: "failed", error: `Renditions failed: ${reason}`.slice(0, 1000), updatedAt: new Date() })
      .where(eq(uploads.id, uploadId));
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "upload.renditions_failed",
        subject: { type: "upload", id: uploadId },
        data: { reason: reason.slice(0, 500) },
      },
    });
  });
}
