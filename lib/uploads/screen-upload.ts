import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { uploads } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { prepareImage } from "@/lib/checks/prepare";
import { nsfwCheck } from "@/lib/checks/models";
import { thresholdsFor } from "@/lib/checks/thresholds";
import { AppError } from "@/lib/errors";
import { readAll } from "@/lib/images/renditions";
import type { BlobStore } from "@/lib/storage/types";

/**
 * Input safety for reference images: the NSFW check at the strictest (hero) thresholds before any
 * rendition is made. No person reviews uploads, so this fails closed: an unsafe image, or one the
 * check could not judge, is blocked with its reason and logged for admins.
 */
export async function screenUpload({
  db,
  store,
  uploadId,
}: {
  db: Db;
  store: BlobStore;
  uploadId: string;
}): Promise<{ allowed: boolean; reason: string | null }> {
  const [upload] = await db.select().from(uploads).where(eq(uploads.id, uploadId)).limit(1);
  if (!upload) throw new AppError("not_found", `Upload ${uploadId} does not exist.`);
  if (upload.status === "blocked") return { allowed: false, reason: upload.error };
  const original = await store.get(upload.blobKey);
  if (!original) throw new AppError("not_found", `The original of upload ${uploadId} is missing from storage.`);
  const thresholds = Object.fromEntries(
    Object.entries(thresholdsFor(nsfwCheck, "hero", {}) ?? {}).map(([k, v]) => [`${nsfwCheck.id}.${k}`, v]),
  );
  let reason: string | null = null;
  let data: Record<string, unknown> = {};
  try {
    const image = await prepareImage(await readAll(original.body));
    const outcome = await nsfwCheck.run(image, {
      tier: "hero",
      expected: { width: image.width, height: image.height },
      promptWantsText: false,
      prompt: "",
      batchHashes: [],
      referenceHashes: [],
      thresholds,
    });
    if (outcome.verdict === "fail") reason = `Blocked by the safety check: ${outcome.detail}`;
    data = { check: nsfwCheck.id, version: nsfwCheck.version, score: outcome.score, verdict: outcome.verdict };
  } catch (error) {
    reason = `Blocked: the safety check could not judge this image (${(error as Error).message}).`;
    data = { check: nsfwCheck.id, error: (error as Error).message };
  }
  if (!reason) return { allowed: true, reason: null };
  await db.transaction(async (tx) => {
    await tx
      .update(uploads)
      .set({ status: "blocked", error: reason.slice(0, 1000), updatedAt: new Date() })
      .where(eq(uploads.id, uploadId));
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "upload.blocked",
        subject: { type: "upload", id: uploadId },
        data: { ...data, filename: upload.filename },
      },
    });
  });
  return { allowed: false, reason };
}
