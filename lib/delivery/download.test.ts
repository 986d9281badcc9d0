import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions, auditEvents, renditionCache, teams, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { addToCollection, createCollection, updateCollection } from "@/lib/collections";
import { AppError } from "@/lib/errors";
import { readAll } from "@/lib/images/renditions";
import { createLibraryAsset, createLibraryCatalog } from "@/lib/library/testing";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import type { BlobStore } from "@/lib/storage/types";
import { createUserFactory, ctxFor } from "@/test/factories";
import { contentDisposition, downloadChoices, downloadFileName, resolveDownload, type DownloadFile } from "./download";

let database: Database;
let store: LocalBlobStore;
let dir: string;
let owner: ReturnType<typeof ctxFor>;
let assetId: string;
/** Version 1 (generated PNG) and version 2 (an edit, the current one). */
let v1Bytes: Buffer;
let v2Bytes: Buffer;

const png = (w: number, h: number, rgb: [number, number, number]) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();

/** A store that counts writes, to see a second download reuse the first's file. */
function countingStore(inner: BlobStore): BlobStore & { puts: number } {
  const s = {
    driver: inner.driver,
    puts: 0,
    put: (...args: Parameters<BlobStore["put"]>) => {
      s.puts += 1;
      return inner.put(...args);
    },
    putStream: (...args: Parameters<BlobStore["putStream"]>) => inner.putStream(...args),
    get: (key: string) => inner.get(key),
    delete: (key: string) => inner.delete(key),
    url: (key: string) => inner.url(key),
  };
  return s;
}

async function fileOf(result: Awaited<ReturnType<typeof resolveDownload>>): Promise<DownloadFile & { data: Buffer }> {
  expect(result.notModified).toBe(false);
  const file = result as DownloadFile;
  return { ...file, data: await readAll(file.body) };
}

const downloads = async (id: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "asset.downloaded"), eq(auditEvents.subjectId, id)));

async function designerIn(teamId: string | null) {
  const u = await createUserFactory(database.db, { role: "designer" });
  if (teamId) await database.db.update(users).set({ teamId }).where(eq(users.id, u.id));
  return ctxFor(database.db, u);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  dir = mkdtempSync(path.join(tmpdir(), "kiln-downloads-"));
  store = new LocalBlobStore(dir);
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const catalog = await createLibraryCatalog(db);
  const [team] = await db
    .insert(teams)
    .values({ name: `Brand ${randomUUID()}` })
    .returning();
  owner = await designerIn(team!.id);
  // Not approved: downloading is internal work, not publishing.
  const created = await createLibraryAsset(db, catalog, {
    ownerId: owner.actor.id,
    status: "in_review",
    title: "Trail shoe KLN-0042",
    width: 640,
    height: 480,
  });
  assetId = created.assetId;
  const [v1] = await db.select().from(assetVersions).where(eq(assetVersions.id, created.versionId));
  v1Bytes = await png(640, 480, [40, 90, 160]);
  await store.put(v1!.blobKey, v1Bytes, { contentType: "image/png" });
  v2Bytes = await png(640, 480, [200, 60, 40]);
  const v2Key = `assets/${assetId}/edits/${randomUUID()}.png`;
  await store.put(v2Key, v2Bytes, { contentType: "image/png" });
  const [v2] = await db
    .insert(assetVersions)
    .values({
      assetId,
      number: 2,
      parentVersionId: v1!.id,
      operation: "erase",
      blobKey: v2Key,
      width: 640,
      height: 480,
      createdBy: owner.actor.id,
    })
    .returning();
  await db.update(assets).set({ currentVersionId: v2!.id, title: "Trail shoe KLN-0042" }).where(eq(assets.id, assetId));
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("resolveDownload", () => {
  it("converts the current version to each format, full size, with only the chosen metadata", async () => {
    for (const format of ["png", "jpeg", "webp", "avif"] as const) {
      const file = await fileOf(
        await resolveDownload({ ctx: owner, store, input: { assetId, version: "current", format } }),
      );
      const meta = await sharp(file.data).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format: format === "avif" ? "heif" : format,
        width: 640,
        height: 480,
      });
      if (format === "avif") expect(meta.compression).toBe("av1");
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp?.toString("utf8")).toContain("Trail shoe KLN-0042");
      expect(file.bytes).toBe(file.data.length);
      expect(file.contentType).toBe(`image/${format}`);
      expect(file.fileName.ascii).toBe(`trail-shoe-kln-0042-v2.${format === "jpeg" ? "jpg" : format}`);
      expect(file.etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(file.cacheControl).toBe("private, no-cache");
      // The pixels are version 2's (red), not version 1's (blue).
      const { dominant } = await sharp(file.data).stats();
      expect(dominant.r).toBeGreaterThan(dominant.b);
    }
  });

  it("gives the original byte for byte, with an immutable cache lifetime", async () => {
    const file = await fileOf(
      await resolveDownload({ ctx: owner, store, input: { assetId, version: "1", format: "original" } }),
    );
    expect(file.data.equals(v1Bytes)).toBe(true);
    expect(file).toMatchObject({
      contentType: "image/png",
      versionNumber: 1,
      cacheControl: "private, max-age=31536000, immutable",
    });
    expect(file.fileName.ascii).toBe("trail-shoe-kln-0042-v1.png");
    const byDefault = await fileOf(
      await resolveDownload({ ctx: owner, store, input: { assetId, version: "current" } }),
    );
    expect(byDefault.data.equals(v2Bytes)).toBe(true);
    expect(byDefault.format).toBe("original");
  });

  it("reuses the cached rendition on a second download, and makes a new one for another quality", async () => {
    const counting = countingStore(store);
    const input = { assetId, version: "1", format: "webp", quality: "77" };
    const first = await fileOf(await resolveDownload({ ctx: owner, store: counting, input }));
    expect(counting.puts).toBe(1);
    const again = await fileOf(await resolveDownload({ ctx: owner, store: counting, input }));
    expect(counting.puts).toBe(1);
    expect(again.etag).toBe(first.etag);
    expect(again.data.equals(first.data)).toBe(true);
    await fileOf(await resolveDownload({ ctx: owner, store: counting, input: { ...input, quality: "50" } }));
    expect(counting.puts).toBe(2);
  });

  it("makes the file again when the cached one was removed from storage", async () => {
    const input = { assetId, version: "1", format: "jpeg" };
    const first = await fileOf(await resolveDownload({ ctx: owner, store, input }));
    const [row] = await database.db
      .select()
      .from(renditionCache)
      .where(eq(renditionCache.sha256, first.etag.slice(1, -1)));
    await store.delete(row!.blobKey);
    const again = await fileOf(await resolveDownload({ ctx: owner, store, input }));
    expect(again.data.length).toBe(first.data.length);
    expect((await sharp(again.data).metadata()).format).toBe("jpeg");
  });

  it("writes one audit row per file sent, none for a 304", async () => {
    const before = (await downloads(assetId)).length;
    const file = await fileOf(
      await resolveDownload({ ctx: owner, store, input: { assetId, version: "2", format: "avif" } }),
    );
    const after = await downloads(assetId);
    expect(after).toHaveLength(before + 1);
    const row = after.find((r) => r.seq === Math.max(...after.map((a) => a.seq)))!;
    expect(row).toMatchObject({ actorId: owner.actor.id, subjectType: "asset", subjectId: assetId, ip: "203.0.113.7" });
    expect(row.data).toMatchObject({
      version: 2,
      format: "avif",
      quality: 70,
      bytes: file.bytes,
      sha256: file.etag.slice(1, -1),
    });
    const cached = await resolveDownload({
      ctx: owner,
      store,
      input: { assetId, version: "2", format: "avif" },
      ifNoneMatch: file.etag,
    });
    expect(cached).toEqual({ notModified: true, etag: file.etag, cacheControl: "private, no-cache" });
    expect(await downloads(assetId)).toHaveLength(before + 1);
  });

  it("is not found for another designer, allowed to a teammate once the board is shared, refused to finance", async () => {
    const [other] = await database.db
      .insert(teams)
      .values({ name: `Growth ${randomUUID()}` })
      .returning();
    const outsider = await designerIn(other!.id);
    const [mine] = await database.db.select({ teamId: users.teamId }).from(users).where(eq(users.id, owner.actor.id));
    const teammate = await designerIn(mine!.teamId);
    const input = { assetId, version: "current", format: "webp" };
    for (const ctx of [outsider, teammate]) {
      await expect(resolveDownload({ ctx, store, input })).rejects.toMatchObject({ code: "not_found" });
    }
    const board = await createCollection({ ctx: owner, input: { name: "Shoes", shared: false } });
    await addToCollection({ ctx: owner, input: { collectionId: board.id, assetIds: [assetId] } });
    await updateCollection({ ctx: owner, input: { collectionId: board.id, shared: true } });
    const file = await fileOf(await resolveDownload({ ctx: teammate, store, input }));
    expect((await sharp(file.data).metadata()).format).toBe("webp");
    expect((await downloads(assetId)).some((r) => r.actorId === teammate.actor.id)).toBe(true);
    await expect(resolveDownload({ ctx: outsider, store, input })).rejects.toMatchObject({ code: "not_found" });

    const reviewer = ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer" }));
    expect((await fileOf(await resolveDownload({ ctx: reviewer, store, input }))).contentType).toBe("image/webp");
    const finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
    await expect(resolveDownload({ ctx: finance, store, input })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("says what was wrong with a bad format, quality or version", async () => {
    const bad = async (input: Record<string, unknown>) => {
      const error = await resolveDownload({ ctx: owner, store, input: { assetId, version: "1", ...input } }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    };
    expect((await bad({ format: "gif" })).message).toMatch(/Format must be one of: original, png, jpeg, webp, avif/);
    for (const quality of ["0", "101", "abc", "50.5"])
      expect((await bad({ format: "jpeg", quality })).message).toMatch(/whole number from 1 to 100/);
    expect((await bad({ format: "png", quality: "80" })).message).toMatch(/lossless/);
    for (const version of ["0", "-1", "latest", "1.5"]) expect((await bad({ version })).code).toBe("invalid_input");
    const missing = await bad({ version: "9" });
    expect({ code: missing.code, message: missing.message }).toEqual({
      code: "not_found",
      message: "This asset has no version 9.",
    });
    expect((await bad({ assetId: "not-a-uuid" })).code).toBe("not_found");
  });
});

describe("file names", () => {
  it("slug the title, keep other scripts in filename*, and never come out empty", () => {
    expect(downloadFileName("Trail shoe KLN-0042", 2, "webp")).toEqual({
      ascii: "trail-shoe-kln-0042-v2.webp",
      unicode: "trail-shoe-kln-0042-v2.webp",
    });
    expect(downloadFileName("IMG_0042.JPG", 1, "jpg").ascii).toBe("img-0042-v1.jpg");
    expect(downloadFileName("Schuh grün · Größe 42", 1, "png")).toEqual({
      ascii: "schuh-grun-grosse-42-v1.png",
      unicode: "schuh-grün-größe-42-v1.png",
    });
    expect(downloadFileName("靴", 3, "avif")).toEqual({ ascii: "kiln-asset-v3.avif", unicode: "靴-v3.avif" });
    expect(downloadFileName('"; rm -rf / \r\n', 1, "png").ascii).toBe("rm-rf-v1.png");
    expect(downloadFileName("x".repeat(300), 1, "png").ascii).toBe(`${"x".repeat(80)}-v1.png`);
  });

  it("writes RFC 6266 Content-Disposition with an RFC 8187 filename* only when needed", () => {
    expect(contentDisposition(downloadFileName("Trail shoe", 1, "png"))).toBe(
      'attachment; filename="trail-shoe-v1.png"',
    );
    expect(contentDisposition(downloadFileName("靴", 3, "avif"))).toBe(
      `attachment; filename="kiln-asset-v3.avif"; filename*=UTF-8''%E9%9D%B4-v3.avif`,
    );
  });
});

describe("downloadChoices", () => {
  it("lists the versions newest first with their stored format, for those who may see the asset", async () => {
    const choices = await downloadChoices({ ctx: owner, assetId });
    expect(choices.title).toBe("Trail shoe KLN-0042");
    expect(choices.versions.map((v) => [v.number, v.current, v.originalLabel])).toEqual([
      [2, true, "PNG"],
      [1, false, "PNG"],
    ]);
    const stranger = await designerIn(null);
    await expect(downloadChoices({ ctx: stranger, assetId })).rejects.toMatchObject({ code: "not_found" });
  });
});
