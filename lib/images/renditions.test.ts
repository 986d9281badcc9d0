import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { readAll, writeRendition, writeRenditions } from "./renditions";

const png = (channels: 3 | 4, alpha = 255) =>
  sharp({
    create: { width: 64, height: 48, channels, background: { r: 200, g: 90, b: 30, alpha: alpha / 255 } },
  })
    .png()
    .toBuffer();

/** An opaque image with a transparent square in one corner. */
const cutOut = async () =>
  sharp(await png(4))
    .composite([
      {
        input: { create: { width: 16, height: 16, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } },
        left: 0,
        top: 0,
        blend: "dest-out",
      },
    ])
    .png()
    .toBuffer();

describe("renditions", () => {
  let root: string;
  let store: LocalBlobStore;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "kiln-renditions-"));
    store = new LocalBlobStore(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const pixels = async (key: string) => {
    const object = await store.get(key);
    return sharp(await readAll(object!.body))
      .raw()
      .toBuffer({ resolveWithObject: true });
  };

  it("tells an opaque image, one with an alpha channel that is opaque everywhere, and a cut-out apart", async () => {
    const hasAlpha = async (source: Buffer, name: string) =>
      (await writeRendition({ store, source, prefix: `t/${name}`, name: "thumb" })).hasAlpha;
    expect(await hasAlpha(await png(3), "rgb")).toBe(false);
    expect(await hasAlpha(await png(4, 255), "opaque-alpha")).toBe(false);
    expect(await hasAlpha(await png(4, 128), "half")).toBe(true);
    expect(await hasAlpha(await cutOut(), "cut")).toBe(true);
  });

  it("makes the thumbnail and the preview from one decode, each fitted to its box and never enlarged", async () => {
    const source = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: "#c85a1e" } })
      .png()
      .toBuffer();
    const both = await writeRenditions({ store, source, prefix: "t/big" });
    expect(both.preview).toMatchObject({ key: "t/big/preview-1280.webp", width: 1280, height: 640, hasAlpha: false });
    expect(both.thumb).toMatchObject({ key: "t/big/thumb-320.webp", width: 320, height: 160, hasAlpha: false });
    const thumb = await pixels(both.thumb.key);
    expect(thumb.info).toMatchObject({ width: 320, height: 160 });
    expect(Math.abs(thumb.data[0]! - 0xc8)).toBeLessThan(6);

    const small = await writeRenditions({ store, source: await png(4, 128), prefix: "t/small" });
    expect(small.preview).toMatchObject({ width: 64, height: 48, hasAlpha: true });
    expect(small.thumb).toMatchObject({ width: 64, height: 48, hasAlpha: true });
  });

  it("keeps the colours of 16-bit and greyscale sources and honours EXIF orientation", async () => {
    const deep = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#3366cc" } })
      .png({ force: true })
      .toColourspace("rgb16")
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe("ushort");
    const fromDeep = await pixels((await writeRenditions({ store, source: deep, prefix: "t/deep" })).preview.key);
    expect([...fromDeep.data.subarray(0, 3)].map((v, i) => Math.abs(v - [0x33, 0x66, 0xcc][i]!))).toSatisfy(
      (d: number[]) => d.every((x) => x < 6),
    );

    const grey = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#808080" } })
      .greyscale()
      .png()
      .toBuffer();
    const fromGrey = await pixels((await writeRenditions({ store, source: grey, prefix: "t/grey" })).thumb.key);
    expect(fromGrey.info.channels).toBe(3);
    expect(Math.abs(fromGrey.data[1]! - 0x80)).toBeLessThan(6);

    // Stored 40×20 with orientation 6 (rotate 90° clockwise to show): shown 20×40.
    const rotated = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#808080" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const upright = await writeRenditions({ store, source: rotated, prefix: "t/rotated" });
    expect(upright.preview).toMatchObject({ width: 20, height: 40 });
  });
});
