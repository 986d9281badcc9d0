import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { showsTransparency, writeRendition } from "./renditions";

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

describe("recording whether a rendition shows transparency", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "kiln-renditions-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("tells an opaque image, one with an alpha channel that is opaque everywhere, and a cut-out apart", async () => {
    expect(await showsTransparency(await png(3))).toBe(false);
    expect(await showsTransparency(await png(4, 255))).toBe(false);
    expect(await showsTransparency(await png(4, 128))).toBe(true);
    expect(await showsTransparency(await cutOut())).toBe(true);
  });

  it("stores hasAlpha with each rendition", async () => {
    const store = new LocalBlobStore(root);
    const opaque = await writeRendition({ store, source: await png(3), prefix: "t/opaque", name: "thumb" });
    const transparent = await writeRendition({ store, source: await cutOut(), prefix: "t/cut", name: "thumb" });
    expect(opaque).toMatchObject({ contentType: "image/webp", hasAlpha: false });
    expect(transparent).toMatchObject({ contentType: "image/webp", hasAlpha: true });
  });
});
