import { createHash, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { uploads, type Upload } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { env } from "@/lib/env";
import { AppError, parseInput } from "@/lib/errors";
import { stripUploadedImage, type StrippedUpload } from "@/lib/images/strip-upload";
import type { BlobStore } from "@/lib/storage/types";
import { assertUploadsEnabled } from "@/lib/operations/switches/read-switches";
import { inspectImage } from "./image-input";

const uploadInput = z.object({
  filename: z.string().trim().min(1, "The file needs a name.").max(255, "File names are at most 255 characters."),
  bytes: z.instanceof(Buffer),
});

/** Sends kiln/upload.created; injected so lib/ does not depend on the Inngest client. */
export type AnnounceUpload = (uploadId: string, sendKey: string) => Promise<void>;

/**
 * Stores the original, records the upload, then asks the background engine for renditions.
 * If the engine cannot be reached the upload is kept and marked, so a retry loses nothing.
 */
export async function createUpload({
  ctx,
  input,
  store,
  maxBytes,
  maxPixels,
  announce,
}: {
  ctx: Ctx;
  input: unknown;
  store: BlobStore;
  maxBytes: number;
  /** Decoded-size limit; KILN_MAX_UPLOAD_MEGAPIXELS when not given. */
  maxPixels?: number;
  announce: AnnounceUpload;
}): Promise<Upload> {
  // The kill switch first: while uploads are off nothing is stored, whichever route called.
  await assertUploadsEnabled(ctx.db);
  const { filename, bytes } = parseInput(uploadInput, input);
  const pixelLimit = maxPixels ?? env().KILN_MAX_UPLOAD_MEGAPIXELS * 1_000_000;
  let image;
  let clean: StrippedUpload;
  try {
    image = await inspectImage(bytes, maxBytes, pixelLimit);
    clean = await stripUploadedImage(bytes, { format: image.format, meta: image.meta, maxPixels: pixelLimit }).catch(
      (error: unknown) => {
        throw new AppError(
          "unsupported_media_type",
          "That image could not be decoded: the file may be damaged. Export it again and upload it.",
          {
            cause: error,
          },
        );
      },
    );
  } catch (error) {
    if (error instanceof AppError) {
      await recordAudit({
        db: ctx.db,
        input: {
          actor: ctx.actor,
          action: "upload.rejected",
          data: { filename, bytes: bytes.length, reason: error.message },
          ip: ctx.ip,
        },
      });
    }
    throw error;
  }
  const id = randomUUID();
  const blobKey = `uploads/${id}/original.${image.format === "jpeg" ? "jpg" : image.format}`;
  // Only the stripped image is stored: location, device and owner metadata never reach storage.
  await store.put(blobKey, clean.data, { contentType: image.contentType });
  const upload = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(uploads)
      .values({
        id,
        ownerId: ctx.actor.id,
        filename,
        contentType: image.contentType,
        bytes: clean.data.length,
        width: clean.width,
        height: clean.height,
        sha256: createHash("sha256").update(clean.data).digest("hex"),
        blobKey,
      })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "upload.created",
        subject: { type: "upload", id },
        data: { filename, bytes: clean.data.length, receivedBytes: bytes.length, metadata: clean.metadata },
        ip: ctx.ip,
      },
    });
    return row!;
  });
  return requestRenditions({ ctx, upload, announce, sendKey: "created" });
}

/** (Re)sends the event; used after creation and by the "retry" button on a failed upload. */
export async function requestRenditions({
  ctx,
  upload,
  announce,
  sendKey,
}: {
  ctx: Pick<Ctx, "db">;
  upload: Upload;
  announce: AnnounceUpload;
  sendKey: string;
}): Promise<Upload> {
  if (upload.status === "ready") return upload;
  try {
    await announce(upload.id, sendKey);
    if (upload.status === "processing") return upload;
    const [row] = await ctx.db
      .update(uploads)
      .set({ status: "processing", error: null, updatedAt: new Date() })
      .where(eq(uploads.id, upload.id))
      .returning();
    return row!;
  } catch (error) {
    const message = `Renditions could not be queued: the background engine did not answer (${(error as Error).message}). Use Retry once it is running.`;
    const [row] = await ctx.db
      .update(uploads)
      .set({ status: "failed", error: message, updatedAt: new Date() })
      .where(eq(uploads.id, upload.id))
      .returning();
    return row!;
  }
}
