import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { BlobNotFoundError, del, head, put } from "@vercel/blob";
import { assertValidContentType, assertValidKey, blobRouteUrl } from "./keys";
import type { BlobKey, BlobObject, BlobStore, PutOptions, StoredBlob } from "./types";

/**
 * Vercel Blob, private store. Browsers never see a Vercel URL: they go through the app's
 * authenticated route, which reads through this driver with the server-side token.
 */
export class VercelBlobStore implements BlobStore {
  readonly driver = "vercel" as const;
  private readonly token: string;

  /** The token comes from env() and is passed on every call, so the SDK never falls back to its own environment lookup. */
  constructor(options: { token: string }) {
    this.token = options.token;
  }

  async put(key: BlobKey, body: Buffer, options: PutOptions): Promise<StoredBlob> {
    assertValidKey(key);
    assertValidContentType(options.contentType);
    const result = await put(key, body, {
      access: "private",
      // The key is the pathname: no suffix, and re-putting a key replaces it (retried job steps do).
      addRandomSuffix: false,
      allowOverwrite: true,
      contentType: options.contentType,
      token: this.token,
    });
    const sha256 = createHash("sha256").update(body).digest("hex");
    return {
      key,
      size: body.length,
      contentType: result.contentType || options.contentType,
      etag: strongEtag(result.etag) ?? `"${sha256}"`,
    };
  }

  async putStream(key: BlobKey, body: Readable, options: PutOptions): Promise<StoredBlob & { sha256: string }> {
    assertValidKey(key);
    assertValidContentType(options.contentType);
    // The SDK streams a Node Readable as the request body (duplex "half"); we hash and count on the way.
    const hash = createHash("sha256");
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    body.on("error", (error) => tap.destroy(error));
    const result = await put(key, body.pipe(tap), {
      access: "private",
      addRandomSuffix: false,
      allowOverwrite: true,
      contentType: options.contentType,
      token: this.token,
    });
    const sha256 = hash.digest("hex");
    return {
      key,
      size,
      contentType: result.contentType || options.contentType,
      etag: strongEtag(result.etag) ?? `"${sha256}"`,
      sha256,
    };
  }

  async get(key: BlobKey): Promise<BlobObject | null> {
    assertValidKey(key);
    // head() goes to the Blob API (VERCEL_BLOB_API_URL when set) and returns the blob's own URL.
    // The SDK's get(pathname) would instead build a *.blob.vercel-storage.com URL from the token,
    // and get(url) refuses any other host; so we download the URL head() returned ourselves.
    const meta = await head(key, { token: this.token }).catch((error: unknown) => {
      if (error instanceof BlobNotFoundError) return null;
      throw error;
    });
    if (!meta) return null;
    // Private blobs are read with the same bearer token, exactly as the SDK's get() sends it.
    // Identity encoding: we re-serve the bytes with our own Content-Length, so they must arrive as stored.
    const response = await fetch(meta.url, {
      headers: { authorization: `Bearer ${this.token}`, "accept-encoding": "identity" },
    });
    if (response.status === 404) return null; // deleted between head and download
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`Vercel Blob download of "${key}" failed: ${response.status} ${response.statusText}`);
    }
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    return {
      key,
      // The length of the bytes actually streamed wins: Content-Length must match the body.
      size: Number.isFinite(length) ? length : meta.size,
      contentType: meta.contentType || response.headers.get("content-type") || "application/octet-stream",
      etag: strongEtag(meta.etag) ?? strongEtag(response.headers.get("etag")) ?? fallbackEtag(meta),
      body: Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>),
    };
  }

  async delete(key: BlobKey): Promise<void> {
    assertValidKey(key);
    // del() accepts a pathname; the API treats an unknown one as success, and we do too.
    await del(key, { token: this.token }).catch((error: unknown) => {
      if (!(error instanceof BlobNotFoundError)) throw error;
    });
  }

  url(key: BlobKey): string {
    return blobRouteUrl(key);
  }
}

/** The HTTP layer compares ETags as quoted strings; accept the service's either way, reject weak ones. */
function strongEtag(etag: string | null | undefined): string | null {
  if (!etag || etag.startsWith("W/")) return null;
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/** Still stable per stored version when the service sends no ETag at all. */
function fallbackEtag(meta: { pathname: string; size: number; uploadedAt: Date }): string {
  const id = `${meta.pathname}:${meta.size}:${meta.uploadedAt.getTime()}`;
  return `"${createHash("sha256").update(id).digest("hex")}"`;
}
