import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { readAll } from "@/lib/images/renditions";
import type { BlobStore } from "@/lib/storage/types";
import { findLocalEngine } from "./registry";
import { loadEditableVersion } from "./request-edit";

/** Beyond this many output pixels a preview is no longer instant; the editor just waits for the engine. */
export const MAX_PREVIEW_PIXELS = 4096 * 4096;

/**
 * The instant Lanczos upscale of a version, shown while the chosen engine works. Nothing is stored
 * and nothing is billed: it is only a preview.
 */
export async function previewUpscale({
  ctx,
  store,
  assetId,
  versionNumber,
  scale,
}: {
  ctx: Ctx;
  store: BlobStore;
  assetId: string;
  versionNumber: number;
  scale: 2 | 4;
}) {
  const { version } = await loadEditableVersion(ctx, assetId, versionNumber);
  if (version.width * version.height * scale * scale > MAX_PREVIEW_PIXELS) {
    throw new AppError(
      "invalid_input",
      `A ${scale}× preview of a ${version.width}×${version.height} image is too large to show instantly.`,
    );
  }
  const obj = await store.get(version.blobKey);
  if (!obj) throw new AppError("not_found", `The image of version ${version.number} is missing from storage.`);
  const lanczos = findLocalEngine("lanczos-local");
  if (!lanczos?.upscale)
    throw new AppError("unavailable", "The Lanczos preview engine is not available on this server.");
  return lanczos.upscale({ image: await readAll(obj.body), scale });
}
