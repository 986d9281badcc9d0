import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { LocalBlobStore } from "./local-driver";

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => `"${createHash("sha256").update(b).digest("hex")}"`;

describe("LocalBlobStore", () => {
  let root: string;
  let store: LocalBlobStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "kiln-blobs-"));
    store = new LocalBlobStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("writes again after its folders were removed behind its back (it remembers folders it made)", async () => {
    await store.put("assets/a1/original.png", Buffer.from("one"), { contentType: "image/png" });
    // The whole blob folder goes (an operator's clean-up, a test's reset): the store's memory of it is stale.
    await rm(root, { recursive: true, force: true });
    await store.put("assets/a1/original.png", Buffer.from("two"), { contentType: "image/png" });
    await store.put("assets/a1/thumb.webp", Buffer.from("three"), { contentType: "image/webp" });
    expect((await readAll((await store.get("assets/a1/original.png"))!.body)).toString()).toBe("two");
    expect((await readAll((await store.get("assets/a1/thumb.webp"))!.body)).toString()).toBe("three");
    await rm(root, { recursive: true, force: true });
    const streamed = await store.putStream("assets/a2/original.png", Readable.from([Buffer.from("four")]), {
      contentType: "image/png",
    });
    expect(streamed.size).toBe(4);
    expect((await readAll((await store.get("assets/a2/original.png"))!.body)).toString()).toBe("four");
  });

  it("round-trips bytes, content type, size and a sha256 ETag", async () => {
    const bytes = Buffer.from("hello kiln");
    const stored = await store.put("assets/a1/original.png", bytes, { contentType: "image/png" });
    expect(stored).toEqual({
      key: "assets/a1/original.png",
      size: bytes.length,
      contentType: "image/png",
      etag: sha(bytes),
    });

    const got = await store.get("assets/a1/original.png");
    expect(got).not.toBeNull();
    expect(got!.contentType).toBe("image/png");
    expect(got!.size).toBe(bytes.length);
    expect(got!.etag).toBe(stored.etag);
    expect(await readAll(got!.body)).toEqual(bytes);
  });

  it("keeps the ETag stable across reads and store instances", async () => {
    const stored = await store.put("a/b.bin", Buffer.from([1, 2, 3]), { contentType: "application/octet-stream" });
    const first = await store.get("a/b.bin");
    first!.body.destroy();
    const again = await new LocalBlobStore(root).get("a/b.bin");
    again!.body.destroy();
    expect(first!.etag).toBe(stored.etag);
    expect(again!.etag).toBe(stored.etag);
  });

  it("overwrites a key with new bytes and content type", async () => {
    await store.put("x.txt", Buffer.from("one"), { contentType: "text/plain" });
    const second = await store.put("x.txt", Buffer.from("second"), { contentType: "text/markdown" });
    const got = await store.get("x.txt");
    expect(got!.etag).toBe(second.etag);
    expect(got!.contentType).toBe("text/markdown");
    expect((await readAll(got!.body)).toString()).toBe("second");
  });

  it("returns null for a missing key", async () => {
    expect(await store.get("nope/missing.png")).toBeNull();
  });

  it("deletes idempotently", async () => {
    await store.put("d.png", Buffer.from("x"), { contentType: "image/png" });
    await store.delete("d.png");
    expect(await store.get("d.png")).toBeNull();
    await expect(store.delete("d.png")).resolves.toBeUndefined();
    await expect(store.delete("never/existed.png")).resolves.toBeUndefined();
  });

  it("serves the old bytes to a reader that opened before an overwrite", async () => {
    await store.put("k.txt", Buffer.from("old"), { contentType: "text/plain" });
    const reader = await store.get("k.txt");
    await store.put("k.txt", Buffer.from("new!"), { contentType: "text/plain" });
    expect((await readAll(reader!.body)).toString()).toBe("old");
  });

  it.each([
    ["empty", ""],
    ["parent segment", "a/../b"],
    ["leading parent", "../etc/passwd"],
    ["dot segment", "a/./b"],
    ["absolute path", "/etc/passwd"],
    ["backslash", "a\\b"],
    ["empty segment", "a//b"],
    ["trailing slash", "a/"],
    ["upper case", "A.png"],
    ["space", "a b.png"],
    ["percent", "a%2f..%2fb"],
    ["unicode", "é.png"],
    ["too long", `${"a/".repeat(256)}b`],
    ["segment too long", "a".repeat(201)],
  ])("rejects an invalid key (%s)", async (_label, key) => {
    const attempts = [
      () => store.put(key, Buffer.from("x"), { contentType: "image/png" }),
      () => store.get(key),
      () => store.delete(key),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toSatisfy((e) => e instanceof AppError && e.code === "invalid_input");
    }
    expect(() => store.url(key)).toThrow(AppError);
  });

  it("accepts the longest valid key and nothing lands outside the blob folder", async () => {
    const key = `${"a".repeat(200)}/${"b".repeat(200)}/${"c".repeat(110)}`;
    expect(key.length).toBe(512);
    await store.put(key, Buffer.from("x"), { contentType: "image/png" });
    expect((await store.get(key))!.size).toBe(1);
    expect((await readdir(root)).sort()).toEqual(["data", "meta", "tmp"]);
  });

  it("rejects an invalid content type", async () => {
    await expect(store.put("a.png", Buffer.from("x"), { contentType: "image/png\r\nX-Evil: 1" })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === "invalid_input",
    );
  });

  it("reports a key that is both a file and a folder as a conflict", async () => {
    await store.put("a", Buffer.from("x"), { contentType: "text/plain" });
    await expect(store.put("a/b", Buffer.from("y"), { contentType: "text/plain" })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === "conflict",
    );
    expect(await store.get("a/b")).toBeNull();
  });

  it("leaves one consistent blob after concurrent puts of the same key", async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000 + i * 137, i));
    const results = await Promise.all(
      bodies.map((b, i) => store.put("race/same.bin", b, { contentType: `image/x-test-${i}` })),
    );
    const got = await store.get("race/same.bin");
    const bytes = await readAll(got!.body);
    // Whichever write won, bytes, size, content type and ETag all describe that same write.
    const winner = results.find((r) => r.etag === got!.etag);
    expect(winner).toBeDefined();
    expect(sha(bytes)).toBe(got!.etag);
    expect(bytes.length).toBe(got!.size);
    expect(got!.contentType).toBe(winner!.contentType);
    // Temp files never outlive a put.
    expect(await readdir(path.join(root, "tmp"))).toEqual([]);
  });

  it("gives the authenticated route URL", () => {
    expect(store.url("assets/a1/thumb.webp")).toBe("/api/blobs/assets/a1/thumb.webp");
  });
  it("putStream writes a stream chunk by chunk and reports its size and sha256", async () => {
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const whole = Buffer.concat(chunks);
    const stored = await store.putStream("exports/e1/export.zip", Readable.from(chunks), {
      contentType: "application/zip",
    });
    const hex = createHash("sha256").update(whole).digest("hex");
    expect(stored).toEqual({
      key: "exports/e1/export.zip",
      size: whole.length,
      contentType: "application/zip",
      etag: `"${hex}"`,
      sha256: hex,
    });
    const got = await store.get("exports/e1/export.zip");
    expect(got).toMatchObject({ size: whole.length, contentType: "application/zip", etag: `"${hex}"` });
    expect((await readAll(got!.body)).equals(whole)).toBe(true);
    expect(await readdir(path.join(root, "tmp"))).toEqual([]);
  });

  it("putStream stores nothing when the body fails midway", async () => {
    async function* failing() {
      yield Buffer.alloc(1024, 1);
      throw new Error("source broke");
    }
    await expect(
      store.putStream("exports/e2/export.zip", Readable.from(failing()), { contentType: "application/zip" }),
    ).rejects.toThrow("source broke");
    expect(await store.get("exports/e2/export.zip")).toBeNull();
    expect(await readdir(path.join(root, "tmp"))).toEqual([]);
  });
});
