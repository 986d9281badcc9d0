import { crc32 } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { stripPngChunks } from "./png-strip";
import { stripMetadata } from "./renditions";

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real PNG with an A1111-style "parameters" text chunk and a timestamp inserted after IHDR. */
async function pngWithMetadata(): Promise<Buffer> {
  const raw = Buffer.alloc(48 * 32 * 3);
  for (let i = 0; i < raw.length; i += 1) raw[i] = (i * 37) % 251;
  const png = await sharp(raw, { raw: { width: 48, height: 32, channels: 3 } })
    .png()
    .toBuffer();
  const afterIhdr = 8 + 25;
  const text = chunk(
    "tEXt",
    Buffer.from("parameters\0a red bicycle, Steps: 20, Seed: 1234, Model: secret-model", "latin1"),
  );
  const time = chunk("tIME", Buffer.from([0x07, 0xea, 12, 1, 18, 0, 0]));
  return Buffer.concat([png.subarray(0, afterIhdr), text, time, png.subarray(afterIhdr)]);
}

const chunkTypes = (png: Buffer) => {
  const types: string[] = [];
  for (let at = 8; at < png.length; at += 12 + png.readUInt32BE(at)) types.push(png.toString("latin1", at + 4, at + 8));
  return types;
};

describe("stripping a PNG's metadata without decoding it", () => {
  it("drops text and time chunks and keeps the pixels exactly", async () => {
    const input = await pngWithMetadata();
    expect(chunkTypes(input)).toContain("tEXt");
    const out = stripPngChunks(input)!;
    expect(out).toMatchObject({ width: 48, height: 32 });
    expect(chunkTypes(out.data)).toEqual(chunkTypes(input).filter((t) => !["tEXt", "tIME", "pHYs"].includes(t)));
    expect(out.data.includes(Buffer.from("secret-model"))).toBe(false);
    const [before, after] = await Promise.all([sharp(input).raw().toBuffer(), sharp(out.data).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
  });

  it("refuses a damaged PNG and anything that is not one, for the decoding path to handle", async () => {
    const input = await pngWithMetadata();
    const damaged = Buffer.from(input);
    damaged[damaged.length - 20]! ^= 0xff; // inside the last IDAT: its CRC no longer matches
    expect(stripPngChunks(damaged)).toBeUndefined();
    expect(stripPngChunks(input.subarray(0, input.length - 12))).toBeUndefined(); // no IEND
    const jpeg = await sharp(input)
      .jpeg()
      .withExif({ IFD0: { Copyright: "someone" } })
      .toBuffer();
    expect(stripPngChunks(jpeg)).toBeUndefined();
    // stripMetadata still handles it: decoded and written as a PNG without the EXIF.
    const viaSharp = await stripMetadata(jpeg);
    expect(viaSharp).toMatchObject({ width: 48, height: 32 });
    expect((await sharp(viaSharp.data).metadata()).exif).toBeUndefined();
  });
});
