import { and, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { assets, assetVersions, checkRuns, uploads, type Upload } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { firstVersionAndRun } from "@/lib/assets/first-version-run";
import { startCheckRun } from "@/lib/checks/start-run";
import { refreshAssetSearch } from "@/lib/library/refresh";

export type UploadAsset = { assetId: string; assetVersionId: string; checkRunId: string; created: boolean };

/**
 * A ready upload becomes an asset (source "uploaded", titled by its file name) whose version 1 is
 * the upload's stored, metadata-stripped original and renditions (same blob keys, no copy). It
 * then takes the normal check run of the support tier (lib/assets/tier.ts), so it lands in review
 * or is rejected like any image, and is never approved without a person (decision 0017).
 * Idempotent: the unique upload_id finds the asset made by an earlier call.
 */
export async function createAssetFromUpload(tx: Tx, upload: Upload): Promise<UploadAsset> {
  const [created] = await tx
    .insert(assets)
    .values({
      source: "uploaded",
      uploadId: upload.id,
      ownerId: upload.ownerId,
      title: upload.filename,
      createdAt: upload.createdAt,
    })
    .onConflictDoNothing({ target: assets.uploadId })
    .returning();
  if (!created) return { ...(await firstVersionAndRun(tx, eq(assets.uploadId, upload.id))), created: false };
  const [version] = await tx
    .insert(assetVersions)
    .values({
      assetId: created.id,
      number: 1,
      operation: "upload",
      blobKey: upload.blobKey,
      width: upload.width,
      height: upload.height,
      renditions: upload.renditions,
      createdBy: upload.ownerId,
      createdAt: upload.createdAt,
    })
    .returning();
  await tx.update(assets).set({ currentVersionId: version!.id }).where(eq(assets.id, created.id));
  const run = await startCheckRun(tx, { assetVersionId: version!.id, trigger: "uploaded" });
  await recordAudit({
    db: tx,
    input: {
      actor: null,
      action: "asset.created_from_upload",
      subject: { type: "asset", id: created.id },
      data: { uploadId: upload.id, filename: upload.filename, checkRunId: run.id },
    },
  });
  await refreshAssetSearch(tx, [created.id]);
  return { assetId: created.id, assetVersionId: version!.id, checkRunId: run.id, created: true };
}

/**
 * Start-up backfill: every ready upload made before uploads became assets gets its asset (one
 * transaction each, idempotent). Returns the check runs still waiting for the engine: the new
 * ones and any left undecided by an earlier start that could not reach it (the caller sends them;
 * their event ids make a repeat a no-op).
 */
export async function backfillUploadAssets(
  db: Db,
  { limit = 10_000 }: { limit?: number } = {},
): Promise<{ created: number; pendingCheckRuns: string[] }> {
  const missing = await db
    .select()
    .from(uploads)
    .leftJoin(assets, eq(assets.uploadId, uploads.id))
    .where(and(eq(uploads.status, "ready"), isNull(assets.id)))
    .limit(limit);
  let created = 0;
  for (const { uploads: upload } of missing) {
    const made = await db.transaction((tx) => createAssetFromUpload(tx, upload));
    if (made.created) created += 1;
  }
  const pending = await db
    .select({ id: checkRuns.id })
    .from(checkRuns)
    .innerJoin(assetVersions, eq(assetVersions.id, checkRuns.assetVersionId))
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    .where(and(eq(assets.source, "uploaded"), eq(assets.status, "checking"), eq(checkRuns.status, "running")))
    .limit(limit);
  return { created, pendingCheckRuns: pending.map((r) => r.id) };
}
