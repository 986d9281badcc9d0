import { AppError } from "@/lib/errors";
import type { BlobKey } from "./types";

/** Well under Vercel Blob's 950-character pathname limit, so a key is valid for every driver. */
export const MAX_KEY_LENGTH = 512;
/** File systems cap a name at 255 bytes; the local driver adds ".json" for the sidecar. */
export const MAX_SEGMENT_LENGTH = 200;

const KEY_CHARS = /^[a-z0-9._/-]+$/;

/**
 * Both drivers validate the same way, so a key that works on local disk also works on Vercel Blob.
 * The local driver maps keys onto the file system: this check is what keeps a key inside the blob folder.
 */
export function assertValidKey(key: BlobKey): void {
  const problem = keyProblem(key);
  if (problem) throw new AppError("invalid_input", `Invalid blob key: ${problem}.`, { fields: { key: [problem] } });
}

function keyProblem(key: unknown): string | null {
  if (typeof key !== "string" || key.length === 0) return "it is empty";
  if (key.length > MAX_KEY_LENGTH) return `it is longer than ${MAX_KEY_LENGTH} characters`;
  if (!KEY_CHARS.test(key)) return "use only lower-case letters, digits, '.', '_', '-' and '/'";
  if (key.startsWith("/")) return "it must be relative (no leading '/')";
  for (const segment of key.split("/")) {
    if (segment === "") return "it has an empty path segment";
    if (segment === "." || segment === "..") return "it may not contain '.' or '..' segments";
    if (segment.length > MAX_SEGMENT_LENGTH) return `a path segment is longer than ${MAX_SEGMENT_LENGTH} characters`;
  }
  return null;
}

/** The route's URL for a key; every character a valid key may hold is URL-safe, so no encoding. */
export function blobRouteUrl(key: BlobKey): string {
  assertValidKey(key);
  return `/api/blobs/${key}`;
}

/** "type/subtype" with optional parameters; it ends up in a response header, so no control characters. */
const CONTENT_TYPE =
  /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"\p{Cc}]*"|[a-z0-9!#$&^_.+-]+))*$/iu;

export function assertValidContentType(contentType: string): void {
  if (contentType.length > 255 || !CONTENT_TYPE.test(contentType)) {
    throw new AppError("invalid_input", "Invalid content type.", {
      fields: { contentType: ["expected a MIME type such as image/png"] },
    });
  }
}

/**
 * The key layout, read backwards: which record a blob belongs to. Every blob Kiln writes sits under
 * the id of the row that references it:
 *   uploads/<upload id>/…          the upload's original and renditions (uploads.blob_key, .renditions)
 *   generations/<generation id>/…  a generated original and renditions, also version 1 of its asset
 *   assets/<asset id>/…            later versions (edits/, v<n>/ renditions) and painted masks (masks/)
 * Anything else belongs to nothing and is never served.
 */
export type BlobOwnerRef = { kind: "upload" | "generation" | "asset"; id: string };

const OWNER_PREFIX = { uploads: "upload", generations: "generation", assets: "asset" } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function blobOwnerOf(key: BlobKey): BlobOwnerRef | null {
  const [prefix, id, ...rest] = key.split("/");
  if (!prefix || !id || rest.length === 0 || !Object.hasOwn(OWNER_PREFIX, prefix) || !UUID.test(id)) return null;
  return { kind: OWNER_PREFIX[prefix as keyof typeof OWNER_PREFIX], id };
}
