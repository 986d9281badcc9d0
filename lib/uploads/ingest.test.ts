import { crc32, deflateSync } from "node:zlib";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { auditEvents } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { readAll } from "@/lib/images/renditions";
import { getBlobStore } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { createUpload } from "./create-upload";
import { listUploads } from "./list-uploads";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
});
afterAll(() => database.close());

const MAX = 8 * 1024 * 1024;
const announce = async () => {};

/** A real camera-style JPEG: rotated 90° by EXIF orientation 6, a Display P3 profile, make/model/copyright and GPS. */
async function cameraJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 60, height: 40, channels: 3, background: { r: 200, g: 80, b: 20 } } })
    .jpeg({ quality: 95 })
    .withIccProfile("p3")
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: "KilnCam", Model: "Model X1", Copyright: "Jane Photographer" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid 1-bit greyscale PNG of the given size whose pixels are all zero: tens of kilobytes on
 * disk, gigabytes once decoded (a decompression bomb).
 */
function hugeBlankPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, filter 0, no interlace
  const raw = Buffer.alloc(height * (1 + Math.ceil(width / 8))); // filter byte 0 + zero pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw, { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

async function storedBytes(key: string): Promise<Buffer> {
  const blob = await getBlobStore().get(key);
  return readAll(blob!.body);
}

describe("what Kiln keeps of an uploaded image", () => {
  it("strips camera, copyright and GPS metadata, applies the orientation, keeps the colour profile, and records it", async () => {
    const ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const input = await cameraJpeg();
    const before = await sharp(input).metadata();
    expect(before).toMatchObject({ width: 60, height: 40, orientation: 6 });
    expect(input.includes(Buffer.from("KilnCam"))).toBe(true);

    const upload = await createUpload({
      ctx,
      input: { filename: "IMG_0001.jpg", bytes: input },
      store: getBlobStore(),
      maxBytes: MAX,
      announce,
    });
    const stored = await storedBytes(upload.blobKey);
    for (const secret of ["KilnCam", "Model X1", "Jane Photographer", "GPS"])
      expect(stored.includes(Buffer.from(secret)), secret).toBe(false);
    const after = await sharp(stored).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation ?? 1).toBe(1);
    // The orientation is applied to the pixels: a 60×40 frame turned 90° is 40×60.
    expect({ width: after.width, height: after.height }).toEqual({ width: 40, height: 60 });
    expect(after.icc).toBeDefined();
    expect(after.icc!.equals(before.icc!)).toBe(true);
    expect(upload).toMatchObject({ width: 40, height: 60, bytes: stored.length, contentType: "image/jpeg" });

    const [created] = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "upload.created"), eq(auditEvents.subjectId, upload.id)));
    expect(created!.data).toMatchObject({
      metadata: { removed: expect.arrayContaining(["exif", "gps"]), orientationApplied: 6, colourProfileKept: true },
    });
    // Shown with the upload's details.
    const [view] = await listUploads({ ctx });
    expect(view!.metadataRemoved).toEqual(expect.arrayContaining(["gps", "camera make", "camera model", "copyright"]));
  });

  it("drops a PNG's text chunks and keeps its pixels", async () => {
    const ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const base = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    const text = pngChunk("tEXt", Buffer.from("Author\0Jane Photographer at 51.5N 0.12W", "latin1"));
    const input = Buffer.concat([base.subarray(0, 33), text, base.subarray(33)]);
    const upload = await createUpload({
      ctx,
      input: { filename: "a.png", bytes: input },
      store: getBlobStore(),
      maxBytes: MAX,
      announce,
    });
    const stored = await storedBytes(upload.blobKey);
    expect(stored.includes(Buffer.from("Jane Photographer"))).toBe(false);
    const [a, b] = await Promise.all([sharp(input).raw().toBuffer(), sharp(stored).raw().toBuffer()]);
    expect(b.equals(a)).toBe(true);
  });

  it("refuses a decompression bomb as too large, naming its size and the limit", async () => {
    const ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const bomb = hugeBlankPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(200_000);
    const refused = createUpload({
      ctx,
      input: { filename: "bomb.png", bytes: bomb },
      store: getBlobStore(),
      maxBytes: MAX,
      announce,
    });
    await expect(refused).rejects.toMatchObject({
      code: "payload_too_large",
      message: expect.stringMatching(/^This image is 20000×20000 pixels; Kiln accepts at most \d+ megapixels/),
    });
  });
});
