import { createHash } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { BlobAccessError } from "@vercel/blob";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { VercelBlobStore } from "./vercel-driver";

/**
 * A fake Vercel Blob service speaking the wire format @vercel/blob 2.x sends (read from its dist):
 *   PUT  {api}/?pathname=…   body = bytes; x-vercel-blob-access, x-content-type, x-add-random-suffix,
 *                            x-allow-overwrite; answers PutBlobResult JSON
 *   GET  {api}?url=…         head(); answers HeadBlobResult JSON, or 404 {error:{code:"not_found"}}
 *   POST {api}/delete        JSON {urls:[…]}
 *   GET  {blob url}          the private download, "Authorization: Bearer <token>" like the SDK's get()
 * Every API call carries "authorization: Bearer <token>" and x-vercel-blob-store-id, the store id
 * being the fourth "_" part of a read-write token.
 */
const STORE_ID = "teststore123";
const TOKEN = `vercel_blob_rw_${STORE_ID}_s3cr3t`;

type Stored = { bytes: Buffer; contentType: string; etag: string; uploadedAt: Date };
type Seen = { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders };

function startFakeBlobService() {
  const blobs = new Map<string, Stored>();
  const seen: Seen[] = [];
  let origin = "";

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { error: { code, message } });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const blobUrl = (pathname: string) => `${origin}/private/${pathname}`;
  // head() and del() accept a pathname or the blob's URL.
  const toPathname = (urlOrPathname: string) =>
    urlOrPathname.startsWith(`${origin}/private/`) ? urlOrPathname.slice(`${origin}/private/`.length) : urlOrPathname;
  const describeBlob = (pathname: string, b: Stored) => ({
    url: blobUrl(pathname),
    downloadUrl: `${blobUrl(pathname)}?download=1`,
    pathname,
    contentType: b.contentType,
    contentDisposition: `inline; filename="${pathname.split("/").pop()}"`,
    etag: b.etag,
  });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    seen.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return fail(res, 403, "forbidden", "Access denied");

    if (url.pathname.startsWith("/private/")) {
      const b = blobs.get(url.pathname.slice("/private/".length));
      if (!b) return res.writeHead(404).end("Not found");
      return res
        .writeHead(200, {
          "content-type": b.contentType,
          "content-length": String(b.bytes.length),
          etag: b.etag,
          "last-modified": b.uploadedAt.toUTCString(),
        })
        .end(b.bytes);
    }
    if (req.headers["x-vercel-blob-store-id"] !== STORE_ID || !req.headers["x-api-version"]) {
      return fail(res, 400, "bad_request", "missing store id or API version");
    }
    const api = url.pathname.replace(/\/$/, "");
    if (req.method === "PUT" && api === "/api/blob") {
      const pathname = url.searchParams.get("pathname") ?? "";
      if (req.headers["x-vercel-blob-access"] !== "private") return fail(res, 400, "bad_request", "access");
      if (req.headers["x-add-random-suffix"] === "1") return fail(res, 400, "bad_request", "suffix not faked");
      if (blobs.has(pathname) && req.headers["x-allow-overwrite"] !== "1") {
        return fail(res, 400, "bad_request", "This blob already exists, use `allowOverwrite: true`");
      }
      const bytes = await readBody(req);
      const etag = `"${createHash("md5").update(bytes).digest("hex")}"`;
      const contentType = String(req.headers["x-content-type"] ?? "application/octet-stream");
      blobs.set(pathname, { bytes, contentType, etag, uploadedAt: new Date() });
      return json(res, 200, describeBlob(pathname, blobs.get(pathname)!));
    }
    if (req.method === "GET" && api === "/api/blob" && url.searchParams.has("url")) {
      const pathname = toPathname(url.searchParams.get("url")!);
      const b = blobs.get(pathname);
      if (!b) return fail(res, 404, "not_found", "The requested blob does not exist");
      return json(res, 200, {
        ...describeBlob(pathname, b),
        size: b.bytes.length,
        cacheControl: "public, max-age=2592000",
        uploadedAt: b.uploadedAt.toISOString(),
      });
    }
    if (req.method === "POST" && api === "/api/blob/delete") {
      const { urls } = JSON.parse((await readBody(req)).toString()) as { urls: string[] };
      for (const u of urls) blobs.delete(toPathname(u));
      return json(res, 200, {});
    }
    return fail(res, 400, "bad_request", `not faked: ${req.method} ${url.pathname}`);
  });

  return {
    blobs,
    seen,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return origin;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe("VercelBlobStore against a fake Blob API", () => {
  const fake = startFakeBlobService();
  const touched = ["VERCEL_BLOB_API_URL", "BLOB_READ_WRITE_TOKEN", "VERCEL_BLOB_RETRIES"] as const;
  const saved = Object.fromEntries(touched.map((k) => [k, process.env[k]]));
  const store = new VercelBlobStore({ token: TOKEN });

  beforeAll(async () => {
    const origin = await fake.listen();
    process.env.VERCEL_BLOB_API_URL = `${origin}/api/blob`;
    // A wrong token in the environment proves the driver passes its own, as the SDK documents.
    process.env.BLOB_READ_WRITE_TOKEN = "vercel_blob_rw_otherstore_wrong";
    // The SDK retries unknown errors with back-off; fail fast if the fake ever answers wrongly.
    process.env.VERCEL_BLOB_RETRIES = "0";
  });
  afterAll(async () => {
    for (const k of touched) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await fake.close();
  });
  beforeEach(() => {
    fake.seen.length = 0;
  });

  it("round-trips bytes, content type, size and the service's ETag", async () => {
    const bytes = Buffer.from("vercel bytes");
    const stored = await store.put("assets/v1/original.png", bytes, { contentType: "image/png" });
    const onService = fake.blobs.get("assets/v1/original.png");
    expect(onService?.bytes).toEqual(bytes);
    expect(stored).toEqual({
      key: "assets/v1/original.png",
      size: bytes.length,
      contentType: "image/png",
      etag: onService!.etag,
    });

    const got = await store.get("assets/v1/original.png");
    expect(got).toMatchObject({
      key: "assets/v1/original.png",
      size: bytes.length,
      contentType: "image/png",
      etag: stored.etag,
    });
    expect(await readAll(got!.body)).toEqual(bytes);
  });

  it("putStream streams the body to the service and reports its size and sha256", async () => {
    const chunks = Array.from({ length: 16 }, (_, i) => Buffer.alloc(32 * 1024, i));
    const whole = Buffer.concat(chunks);
    const stored = await store.putStream("exports/e1/export.zip", Readable.from(chunks), {
      contentType: "application/zip",
    });
    const onService = fake.blobs.get("exports/e1/export.zip");
    expect(onService?.bytes.equals(whole)).toBe(true);
    expect(onService?.contentType).toBe("application/zip");
    const hex = createHash("sha256").update(whole).digest("hex");
    expect(stored).toEqual({
      key: "exports/e1/export.zip",
      size: whole.length,
      contentType: "application/zip",
      etag: onService!.etag,
      sha256: hex,
    });
    const put = fake.seen.find((s) => s.method === "PUT");
    expect(put?.query.get("pathname")).toBe("exports/e1/export.zip");
    expect(put?.headers["x-vercel-blob-access"]).toBe("private");
  });

  it("puts privately, under the exact key, allowing overwrite", async () => {
    await store.put("a/one.txt", Buffer.from("1"), { contentType: "text/plain" });
    await store.put("a/one.txt", Buffer.from("22"), { contentType: "text/markdown" });
    const puts = fake.seen.filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(2);
    for (const r of puts) {
      expect(r.query.get("pathname")).toBe("a/one.txt");
      expect(r.headers["x-vercel-blob-access"]).toBe("private");
      expect(r.headers["x-add-random-suffix"]).toBe("0");
      expect(r.headers["x-allow-overwrite"]).toBe("1");
    }
    const got = await store.get("a/one.txt");
    expect(got!.contentType).toBe("text/markdown");
    expect((await readAll(got!.body)).toString()).toBe("22");
  });

  it("sends the constructor's token as a bearer token on API calls and the download", async () => {
    await store.put("t/k.bin", Buffer.from([1]), { contentType: "application/octet-stream" });
    (await store.get("t/k.bin"))!.body.destroy();
    await store.delete("t/k.bin");
    expect(fake.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      "PUT /api/blob/",
      "GET /api/blob",
      "GET /private/t/k.bin",
      "POST /api/blob/delete",
    ]);
    for (const r of fake.seen) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.seen[0]!.headers["x-vercel-blob-store-id"]).toBe(STORE_ID);
  });

  it("returns null for a missing blob", async () => {
    expect(await store.get("never/put.png")).toBeNull();
  });

  it("deletes, idempotently", async () => {
    await store.put("gone.png", Buffer.from("x"), { contentType: "image/png" });
    await store.delete("gone.png");
    expect(fake.blobs.has("gone.png")).toBe(false);
    expect(await store.get("gone.png")).toBeNull();
    await expect(store.delete("gone.png")).resolves.toBeUndefined();
  });

  it("surfaces a rejected token as the SDK's access error", async () => {
    const wrong = new VercelBlobStore({ token: "vercel_blob_rw_teststore123_wrong" });
    await expect(wrong.put("x.png", Buffer.from("x"), { contentType: "image/png" })).rejects.toBeInstanceOf(
      BlobAccessError,
    );
  });

  it("validates keys before calling the service and serves through the app route", async () => {
    await expect(store.get("../x")).rejects.toSatisfy((e) => e instanceof AppError && e.code === "invalid_input");
    expect(fake.seen).toHaveLength(0);
    expect(store.url("assets/v1/original.png")).toBe("/api/blobs/assets/v1/original.png");
  });
});
