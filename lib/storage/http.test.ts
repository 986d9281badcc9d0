import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, statusOf, toPublicError } from "@/lib/errors";
import { BLOB_CACHE_CONTROL, etagMatches, serveBlob } from "./http";
import { LocalBlobStore } from "./local-driver";
import type { StoredBlob } from "./types";

const req = (method: string, headers: Record<string, string> = {}) => ({ method, headers: new Headers(headers) });

describe("serveBlob", () => {
  let root: string;
  let store: LocalBlobStore;
  let stored: StoredBlob;
  const bytes = Buffer.from("\x89PNG fake image bytes");

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "kiln-blob-http-"));
    store = new LocalBlobStore(root);
    stored = await store.put("assets/a1/original.png", bytes, { contentType: "image/png" });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("serves 200 with the body and the caching and safety headers", async () => {
    const res = await serveBlob(store, "assets/a1/original.png", req("GET"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(res.headers.get("etag")).toBe(stored.etag);
    expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(res.headers.get("cache-control")).toBe(BLOB_CACHE_CONTROL);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it("answers 304 without a body when If-None-Match matches", async () => {
    for (const inm of [stored.etag, `"other", ${stored.etag}`, `W/${stored.etag}`, "*"]) {
      const res = await serveBlob(store, "assets/a1/original.png", req("GET", { "If-None-Match": inm }));
      expect(res.status, inm).toBe(304);
      expect(res.body).toBeNull();
      expect(res.headers.get("etag")).toBe(stored.etag);
      expect(res.headers.get("cache-control")).toBe(BLOB_CACHE_CONTROL);
    }
  });

  it("serves 200 when If-None-Match does not match", async () => {
    const res = await serveBlob(store, "assets/a1/original.png", req("GET", { "If-None-Match": '"stale"' }));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await serveBlob(store, "assets/a1/original.png", req("HEAD"));
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("etag")).toBe(stored.etag);
  });

  it("throws not_found (a 404 once the route maps it) for a missing blob", async () => {
    const error = await serveBlob(store, "assets/missing.png", req("GET")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("not_found");
    expect(statusOf(toPublicError(error))).toBe(404);
  });

  it("throws invalid_input for a key that escapes the store", async () => {
    const error = await serveBlob(store, "../secrets", req("GET")).catch((e: unknown) => e);
    expect(statusOf(toPublicError(error))).toBe(400);
  });
});

describe("etagMatches", () => {
  it("uses weak comparison and ignores absent headers", () => {
    expect(etagMatches(null, '"a"')).toBe(false);
    expect(etagMatches('"b"', '"a"')).toBe(false);
    expect(etagMatches(' "b" , W/"a"', '"a"')).toBe(true);
  });
});
