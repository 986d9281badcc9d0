import { eq } from "drizzle-orm";
import sharp from "sharp";
import type { Db } from "@/db";
import { uploads, type Rendition } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { BlobStore } from "@/lib/storage/types";

/** Sizes every listing and preview uses; WebP keeps them small. */
export const RENDITION_SPECS = { thumb: 320, preview: 1280 } as const;
export type RenditionName = keyof typeof RENDITION_SPECS;

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Makes one rendition of an upload. Idempotent: the key is fixed per upload and size, so a
 * retried step overwrites the same blob. sharp works on libuv's pool, off the request thread.
 */
export async function makeRendition({ db, store, uploadId, name }: { db: Db; store: BlobStore; uploadId: string; name: RenditionName }): Promise<Rendition> {
  const [upload] = await db.select().from(uploads).where(eq(uploads.id, uploadId)).limit(1);
  if (!upload) throw new AppError("not_found", `Upload ${uploadId} does not exist.`);
  const original = await store.get(upload.blobKey);
  if (!original) throw new AppError("not_found", `The original of upload ${uploadId} is missing from storage.`);
  const size = RENDITION_SPECS[name];
  const { data, info } = await sharp(await readAll(original.body), { animated: false })
    .rotate() // honour EXIF orientation
    .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
    .webp({ quality: 82 })
    .toBuffer({ resolveWithObject: true });
  const key = `uploads/${uploadId}/${name}-${size}.webp`;
  await store.put(key, data, { contentType: "image/webp" });
  return { key, width: info.width, height: info.height, bytes: data.length, contentType: "image/webp" };
}

export async function markRenditionsReady({ db, uploadId, renditions }: { db: Db; uploadId: string; renditions: Record<string, Rendition> }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(uploads).set({ status: "ready", renditions, error: null, updatedAt: new Date() }).where(eq(uploads.id, uploadId));
    await recordAudit({
      db: tx,
      input: { actor: null, action: "upload.renditions_ready", subject: { type: "upload", id: uploadId }, data: { names: Object.keys(renditions) } },
    });
  });
}

export async function markRenditionsFailed({ db, uploadId, reason }: { db: Db; uploadId: string; reason: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(uploads)
      .set({ status: "failed", error: `Renditions failed: ${reason}`.slice(0, 1000), updatedAt: new Date() })
      .where(eq(uploads.id, uploadId));
    await recordAudit({
      db: tx,
      input: { actor: null, action: "upload.renditions_failed", subject: { type: "upload", id: uploadId }, data: { reason: reason.slice(0, 500) } },
    });
  });
}
