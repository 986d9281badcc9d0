import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions, renditionCache, type Asset, type AssetVersion } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createLibraryAsset, createLibraryCatalog } from "@/lib/library/testing";
import { readAll } from "@/lib/images/renditions";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { createUserFactory } from "@/test/factories";
import { readContentCredential } from "./content-credentials";
import { getOrCreateRendition, newRenditionMemo, renditionMetadata } from "./rendition-cache";

let database: Database;
let store: LocalBlobStore;
let dir: string;
let asset: Asset;
let version: AssetVersion;

/** A 1024² source with EXIF GPS and camera fields, and a red patch on the right third (what attention picks). */
async function sourceImage(): Promise<Buffer> {
  const patch = await sharp({ create: { width: 160, height: 160, channels: 3, background: { r: 250, g: 30, b: 30 } } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 1024, height: 1024, channels: 3, background: { r: 110, g: 110, b: 110 } } })
    .composite([{ input: patch, left: 820, top: 430 }])
    .withExif({
      IFD0: { Make: "Canon", Model: "EOS R5", Software: "secret-tool" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" },
    })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  dir = mkdtempSync(path.join(tmpdir(), "kiln-renditions-"));
  store = new LocalBlobStore(dir);
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const catalog = await createLibraryCatalog(db);
  const owner = await createUserFactory(db, { role: "designer" });
  const { assetId, versionId } = await createLibraryAsset(db, catalog, {
    ownerId: owner.id,
    status: "approved",
    title: "Trail shoe KLN-0042",
  });
  [version] = (await db.select().from(assetVersions).where(eq(assetVersions.id, versionId))) as [AssetVersion];
  await store.put(version.blobKey, await sourceImage(), { contentType: "image/png" });
  [asset] = (await db
    .update(assets)
    .set({
      title: "Trail shoe KLN-0042",
      altText: "A grey trail shoe on a rock",
      altTextStatus: "confirmed",
      approvalId: "apr_test",
      rightsLicence: "Own generation",
      rightsChannels: ["social"],
    })
    .where(eq(assets.id, assetId))
    .returning()) as [Asset];
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("getOrCreateRendition", () => {
  it("crops a placement around the attention point, encodes it, writes only the chosen metadata", async () => {
    const deps = { db: database.db, store };
    const row = await getOrCreateRendition(deps, {
      asset,
      version,
      size: { width: 1080, height: 1920 },
      format: "jpeg",
      quality: 85,
    });
    expect(row).toMatchObject({ width: 1080, height: 1920, contentType: "image/jpeg" });
    const blob = await store.get(row.blobKey);
    const bytes = await readAll(blob!.body);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.exif).toBeUndefined(); // no GPS, no camera make/model
    const xmp = meta.xmp!.toString("utf8");
    expect(xmp).toContain("trainedAlgorithmicMedia");
    expect(xmp).toContain("A grey trail shoe on a rock");
    expect(xmp).toContain("Trail shoe KLN-0042");
    expect(xmp).toContain("apr_test");
    expect(xmp).not.toContain("Canon");
    // Signed last, so the XMP above is inside what the credential's hash binds.
    expect(row.contentCredential).toBe(true);
    const credential = await readContentCredential(bytes, "jpeg");
    expect(credential?.state).toBe("Valid");
    expect(credential?.failureCodes).toEqual(["signingCredential.untrusted"]);
    expect(JSON.stringify(credential?.activeManifest?.assertions)).toContain("c2pa.cropped");
    // The 9:16 crop of a square keeps the red patch (right side): the crop's right half is redder.
    const { data } = await sharp(bytes).resize(9, 16, { fit: "fill" }).raw().toBuffer({ resolveWithObject: true });
    const redAt = (x: number) =>
      Array.from({ length: 16 }, (_, y) => data[(y * 9 + x) * 3]! - data[(y * 9 + x) * 3 + 1]!).reduce(
        (a, b) => a + b,
        0,
      );
    expect(redAt(7) + redAt(8)).toBeGreaterThan(redAt(0) + redAt(1));
  });

  it("reuses the stored rendition for the same inputs and makes a new one when an input changes", async () => {
    const deps = { db: database.db, store, memo: newRenditionMemo() };
    const req = { asset, version, size: { width: 300, height: 250 }, format: "webp" as const, quality: 80 };
    const first = await getOrCreateRendition(deps, req);
    const again = await getOrCreateRendition(deps, req);
    expect(again.inputHash).toBe(first.inputHash);
    expect(again.blobKey).toBe(first.blobKey);
    const rows = await database.db.select().from(renditionCache).where(eq(renditionCache.inputHash, first.inputHash));
    expect(rows).toHaveLength(1);
    const moved = await getOrCreateRendition(deps, { ...req, asset: { ...asset, focalX: 0.1, focalY: 0.5 } });
    const quality = await getOrCreateRendition(deps, { ...req, quality: 60 });
    const words = await getOrCreateRendition(deps, { ...req, asset: { ...asset, altText: "A grey shoe" } });
    expect(new Set([first.inputHash, moved.inputHash, quality.inputHash, words.inputHash]).size).toBe(4);
    expect(first.blobKey).toMatch(new RegExp(`^assets/${asset.id}/renditions/[0-9a-f]{64}\\.webp$`));
  });

  it("writes every format at full size when no placement is asked for", async () => {
    const deps = { db: database.db, store };
    for (const format of ["png", "jpeg", "webp", "avif"] as const) {
      const row = await getOrCreateRendition(deps, { asset, version, size: null, format, quality: 70 });
      const bytes = await readAll((await store.get(row.blobKey))!.body);
      const meta = await sharp(bytes).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format: format === "avif" ? "heif" : format,
        width: 1024,
        height: 1024,
      });
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp?.toString("utf8")).toContain("Iptc4xmpExt:DigitalSourceType");
    }
  });
});

describe("renditionMetadata", () => {
  it("carries only confirmed alt text, and no source type for an unedited upload", () => {
    const m = renditionMetadata(
      { ...asset, altTextStatus: "draft", source: "uploaded" },
      { ...version, operation: "upload", number: 1 },
    );
    expect(m.altText).toBeNull();
    expect(m.digitalSourceType).toBeUndefined();
    expect(m.usageTerms).toBe("Own generation. Channels: social");
  });
});
