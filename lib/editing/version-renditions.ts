import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { assetVersions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { readAll, writeRenditions } from "@/lib/images/renditions";
import type { BlobStore } from "@/lib/storage/types";

/**
 * Thumbnail and preview of an edited version (WebP keeps a cut-out's alpha). Idempotent: fixed
 * keys per version. Its own step, so CPU work never holds a GPU endpoint's slot.
 */
export async function makeVersionRenditions({ db, store, versionId }: { db: Db; store: BlobStore; versionId: string }) {
  const [version] = await db.select().from(assetVersions).where(eq(assetVersions.id, versionId)).limit(1);
  if (!version) throw new AppError("not_found", `Version ${versionId} does not exist.`);
  const original = await store.get(version.blobKey);
  if (!original) throw new AppError("not_found", `The image of version ${version.number} is missing from storage.`);
  const source = await readAll(original.body);
  const prefix = `assets/${version.assetId}/v${version.number}`;
  const { thumb, preview } = await writeRenditions({ store, source, prefix });
  await db.update(assetVersions).set({ renditions: { thumb, preview } }).where(eq(assetVersions.id, version.id));
  return { thumb: thumb.key, preview: preview.key };
}
