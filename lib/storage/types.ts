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
  /**
   * Writes a stream without holding it in memory (export ZIPs); the key appears only once the whole
   * body is stored, and a body that errors leaves nothing behind. Also returns the bytes' sha256 (hex).
   */
  putStream(key: BlobKey, body: Readable, options: PutOptions): Promise<StoredBlob & { sha256: string }>;
  /** Null when there is no such blob. */
  get(key: BlobKey): Promise<BlobObject | null>;
  /** Deleting a missing blob is not an error. */
  delete(key: BlobKey): Promise<void>;
  /** The app URL the browser uses; always the authenticated blob route. */
  url(key: BlobKey): string;
}
