import { crc32, deflateSync } from "node:zlib";
import sharp, { type Color } from "sharp";
import { describe, expect, it } from "vitest";
import { loadPhoto } from "./calibration/photos";
import { MAX_INPUT_PIXELS, prepareImage } from "./prepare";

/** A PNG whose header claims `width`×`height` 8-bit grey pixels, followed by the data of one short row only. */
function headerOnlyPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey), default compression, filter and interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(9))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const solid = (width: number, height: number, background: Color, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } });

describe("prepareImage", () => {
  it("decodes a real photo once to a full-resolution 8-bit greyscale plane", async () => {
    const bytes = await loadPhoto("coffee");
    const image = await prepareImage(bytes);
    expect(image).toMatchObject({ width: 600, height: 400, format: "jpeg", hasAlpha: false });
    expect(image.bytes).toBe(bytes);
    expect(image.gray.data).toBeInstanceOf(Uint8Array);
    expect(image.gray).toMatchObject({ width: 600, height: 400 });
    expect(image.gray.data.length).toBe(600 * 400);
    // A photo uses most of the grey range.
    const levels = image.gray.data.reduce((seen, v) => seen.add(v), new Set<number>());
    expect(levels.size).toBeGreaterThan(200);
  });

  it("uses Rec. 601 luma for colour (pure red is grey 76, pure green 150)", async () => {
    const red = await prepareImage(await solid(16, 8, { r: 255, g: 0, b: 0 }).png().toBuffer());
    const green = await prepareImage(await solid(16, 8, { r: 0, g: 255, b: 0 }).webp({ lossless: true }).toBuffer());
    expect(red.format).toBe("png");
    expect(green.format).toBe("webp");
    expect(new Set(red.gray.data)).toEqual(new Set([76]));
    expect(new Set(green.gray.data)).toEqual(new Set([150]));
  });

  it("flattens transparency onto white and reports the alpha", async () => {
    const image = await prepareImage(await solid(10, 10, { r: 0, g: 0, b: 0, alpha: 0 }, 4).png().toBuffer());
    expect(image.hasAlpha).toBe(true);
    expect(new Set(image.gray.data)).toEqual(new Set([255]));
  });

  it("reads 16-bit, greyscale and CMYK inputs as 8-bit grey", async () => {
    const sixteen = await solid(8, 8, { r: 128, g: 128, b: 128 }).toColourspace("rgb16").png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe("ushort");
    const grey = await solid(8, 8, { r: 200, g: 200, b: 200 }).toColourspace("b-w").png().toBuffer();
    const cmyk = await solid(8, 8, { r: 255, g: 255, b: 255 }).toColourspace("cmyk").jpeg().toBuffer();
    for (const [bytes, level] of [
      [sixteen, 128],
      [grey, 200],
      [cmyk, 255],
    ] as const) {
      const image = await prepareImage(bytes);
      expect(image.gray.data.length).toBe(64);
      for (const v of image.gray.data) expect(Math.abs(v - level)).toBeLessThanOrEqual(2);
    }
  });

  it("applies EXIF orientation, so width and height are as displayed", async () => {
    const rotated = await solid(64, 32, { r: 10, g: 20, b: 30 }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const image = await prepareImage(rotated);
    expect([image.width, image.height]).toEqual([32, 64]);
    expect([image.gray.width, image.gray.height]).toEqual([32, 64]);
  });

  it("rejects what is not an image with a clear error", async () => {
    await expect(prepareImage(Buffer.from("<html>not an image</html>"))).rejects.toThrow(/^Not an image/);
    await expect(prepareImage(Buffer.alloc(0))).rejects.toThrow(/^Not an image: the input is empty/);
    const png = await solid(8, 8, "#888").png().toBuffer();
    await expect(prepareImage(png.subarray(0, 40))).rejects.toThrow(/Not an image|Could not decode/);
  });

  it(`refuses images over ${MAX_INPUT_PIXELS / 1e6} megapixels before decoding them`, async () => {
    // A header claiming 8000×6000 (48 MP): refused from the header alone, no pixel is decoded.
    await expect(prepareImage(headerOnlyPng(8000, 6000))).rejects.toThrow(/^Image too large/);
    // The same header under the limit gets past the size check and fails on the missing pixels instead.
    await expect(prepareImage(headerOnlyPng(6000, 6000))).rejects.toThrow(/^Could not decode the png image/);
  });
});
