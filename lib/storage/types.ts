import type { Readable } from "node:stream";

/** Keys are relative paths: lower-case letters, digits, "-", "_", "." and "/" separators; no "..". */
export type BlobKey = string;

export type PutOptions = { contentType: string };

export type StoredBlob = { key: BlobKey; size: number; contentType: string; etag: string };

export type BlobObject = StoredBlob & { body: Readable };

/** One interface, two drivers: local disk (default) and Vercel Blob (when a token is set). */
export interface BlobStore {
  readonly driver: "local" | "vercel";
  put(key: BlobKey, body: Buffer, options: PutOptions): Promise<StoredBlob>;
  /** Null when there is no such blob. */
  get(key: BlobKey): Promise<BlobObject | null>;
  /** Deleting a missing blob is not an error. */
  delete(key: BlobKey): Promise<void>;
  /** The app URL the browser uses; always the authenticated blob route. */
  url(key: BlobKey): string;
}
