import path from "node:path";
import { env } from "@/lib/env";
import { LocalBlobStore } from "./local-driver";
import type { BlobStore } from "./types";
import { VercelBlobStore } from "./vercel-driver";

export type { BlobKey, BlobObject, BlobStore, PutOptions, StoredBlob } from "./types";

// On globalThis so dev-server module reloads keep one store (and the local driver's per-key locks).
const STORE = Symbol.for("kiln.blobStore");
type Holder = { [STORE]?: BlobStore };

/** The process-wide store: Vercel Blob when BLOB_READ_WRITE_TOKEN is set, local disk otherwise. */
export function getBlobStore(): BlobStore {
  const holder = globalThis as Holder;
  holder[STORE] ??= createBlobStore();
  return holder[STORE];
}

function createBlobStore(): BlobStore {
  const e = env();
  if (e.blobDriver === "vercel" && e.BLOB_READ_WRITE_TOKEN) {
    return new VercelBlobStore({ token: e.BLOB_READ_WRITE_TOKEN });
  }
  return new LocalBlobStore(path.join(e.dataDir, "blobs"));
}

/** Tests switch drivers or data folders between cases. */
export function resetBlobStoreForTests(): void {
  delete (globalThis as Holder)[STORE];
}
