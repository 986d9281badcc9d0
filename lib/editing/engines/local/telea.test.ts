import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { closeEnginePools } from "./pool";
import { MAX_TELEA_MASK_SHARE, prepareMask, teleaEngine, teleaErase, teleaWholeImageInpaint } from "./telea";
import { fixturePhoto, progressLog, rawOf, type Raw } from "./testing";

afterAll(() => closeEnginePools());

const W = 240;
const H = 160;
const SLOW = { timeout: 120_000 };

/** A mask PNG: the given SVG shapes in white on `background`. */
function maskPng(shapes: string, width = W, height = H, background = "#000000"): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes}</svg>`;
  return sharp({ create: { width, height, channels: 4, background } })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
}

/** The photo, and the photo with a green blemish (a disc at cx, cy) painted on it. */
async function blemished(cx: number, cy: number, r: number): Promise<{ clean: Buffer; image: Buffer }> {
  const clean = await sharp(await fixturePhoto("coffee.jpg", W, H))
    .removeAlpha()
    .png()
    .toBuffer();
  const dot = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><circle cx="${cx}" cy="${cy}" r="${r}" fill="#00ff00"/></svg>`,
  );
  return {
    clean,
    image: await sharp(clean)
      .composite([{ input: dot }])
      .removeAlpha()
      .png()
      .toBuffer(),
  };
}

/** Mean absolute difference of two decoded images over the pixels within r of (cx, cy). */
function meanDiffWithin(a: Raw, b: Raw, cx: number, cy: number, r: number): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++)
      if (Math.hypot(x - cx, y - cy) <= r)
        for (let c = 0; c < 3; c++, n++)
          sum += Math.abs(
            (a.data[(y * a.width + x) * a.channels + c] ?? 0) - (b.data[(y * b.width + x) * b.channels + c] ?? 0),
          );
  return sum / n;
}

const erase = (image: Buffer, mask: Buffer, onProgress?: (f: number) => void) =>
  teleaEngine.erase!({ image, mask }, { onProgress });

describe("Telea erase (opencv.js worker)", () => {
  it("fills the masked blemish from its surroundings and leaves the rest of the image as it was", SLOW, async () => {
    const { clean, image } = await blemished(60, 120, 6);
    const mask = await maskPng(`<circle cx="60" cy="120" r="8" fill="#fff"/>`);
    const log = progressLog();
    const out = await erase(image, mask, log.onProgress);
    expect([out.width, out.height]).toEqual([W, H]);
    const [original, before, after] = await Promise.all([rawOf(clean), rawOf(image), rawOf(out.image)]);
    expect(after.channels).toBe(3);
    // Inside: the green is gone and the fill is close to what the photo had there.
    const blemishError = meanDiffWithin(before, original, 60, 120, 5);
    expect(meanDiffWithin(after, before, 60, 120, 5)).toBeGreaterThan(blemishError * 0.5);
    expect(meanDiffWithin(after, original, 60, 120, 5)).toBeLessThan(blemishError * 0.25);
    // Beyond the mask and its dilation (2 px here), every pixel is the source's.
    let outsideWorst = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if (Math.hypot(x - 60, y - 120) > 12)
          for (let c = 0; c < 3; c++)
            outsideWorst = Math.max(
              outsideWorst,
              Math.abs((after.data[(y * W + x) * 3 + c] ?? 0) - (before.data[(y * W + x) * 3 + c] ?? 0)),
            );
    expect(outsideWorst).toBeLessThanOrEqual(1);
    expect(log.fractions.at(-1)).toBe(1);
    expect(log.fractions.length).toBeGreaterThan(2);
  });

  it("takes a mask painted on a scaled canvas, white strokes on transparent", SLOW, async () => {
    const { clean, image } = await blemished(180, 40, 5);
    // Half size, transparent background: what a canvas export at 50 % zoom looks like.
    const mask = await maskPng(`<circle cx="90" cy="20" r="4" fill="#fff"/>`, W / 2, H / 2, "#00000000");
    const [original, before, after] = await Promise.all([
      rawOf(clean),
      rawOf(image),
      rawOf((await erase(image, mask)).image),
    ]);
    expect(meanDiffWithin(after, original, 180, 40, 4)).toBeLessThan(
      meanDiffWithin(before, original, 180, 40, 4) * 0.25,
    );
  });

  it(
    "inpaints box by box with the whole image's result: separate parts, parts close enough to share a box, a part on the edge",
    SLOW,
    async () => {
      const BW = 640;
      const BH = 480;
      const image = await fixturePhoto("coffee.jpg", BW, BH);
      const mask = await maskPng(
        [
          `<circle cx="80" cy="90" r="14" fill="#fff"/>`,
          // Two specks 20 px apart: their grown boxes overlap and are merged.
          `<circle cx="400" cy="120" r="6" fill="#fff"/>`,
          `<circle cx="426" cy="120" r="6" fill="#fff"/>`,
          `<rect x="120" y="300" width="260" height="9" fill="#fff"/>`,
          `<circle cx="636" cy="476" r="10" fill="#fff"/>`,
        ].join(""),
        BW,
        BH,
      );
      const [boxed, whole] = await Promise.all([teleaErase({ image, mask }), teleaWholeImageInpaint({ image, mask })]);
      expect(boxed.boxes).toBe(4);
      const out = await rawOf(boxed.image);
      expect(out.channels).toBe(3);
      let differing = 0;
      let worst = 0;
      for (let i = 0; i < whole.rgb.length; i++) {
        const d = Math.abs((out.data[i] ?? 0) - (whole.rgb[i] ?? 0));
        if (d) differing++;
        worst = Math.max(worst, d);
      }
      expect({ differing, worst }).toEqual({ differing: 0, worst: 0 });
    },
  );

  it("keeps transparency, inpainting the alpha channel too", SLOW, async () => {
    const image = await sharp(await fixturePhoto("coffee.jpg", W, H))
      .ensureAlpha()
      .png()
      .toBuffer();
    const out = await rawOf(
      (await erase(image, await maskPng(`<rect x="10" y="10" width="8" height="8" fill="#fff"/>`))).image,
    );
    expect(out.channels).toBe(4);
    expect(out.data[(14 * W + 14) * 4 + 3]).toBe(255);
  });
});

describe("masks the local eraser refuses, with what was wrong", () => {
  const expectInvalid = async (promise: Promise<unknown>, message: RegExp) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("invalid_input");
    expect((error as AppError).message).toMatch(message);
  };

  it("not an image", async () => {
    await expectInvalid(prepareMask(Buffer.from("definitely not a png"), W, H), /could not be read as an image/);
  });

  it("another shape than the image", async () => {
    await expectInvalid(
      prepareMask(await maskPng(`<circle cx="5" cy="5" r="3" fill="#fff"/>`, 100, 100), W, H),
      /100×100 but the image is 240×160/,
    );
  });

  it("empty (nothing white, or only grey below the threshold)", async () => {
    await expectInvalid(prepareMask(await maskPng(""), W, H), /mask is empty/);
    await expectInvalid(
      prepareMask(await maskPng(`<rect width="50" height="50" fill="#707070"/>`), W, H),
      /mask is empty/,
    );
  });

  it("covering more than the engine's share of the image, pointing to the GPU eraser", async () => {
    const image = await fixturePhoto("coffee.jpg", W, H);
    const mask = await maskPng(
      `<rect width="${W}" height="${(H * MAX_TELEA_MASK_SHARE * 1.5).toFixed(0)}" fill="#fff"/>`,
    );
    await expectInvalid(erase(image, mask), /covers 15% of the image.*GPU eraser/);
  });

  it("counts white ≥ 128 as marked and measures the share", async () => {
    const { mask, share } = await prepareMask(
      await maskPng(`<rect width="${W / 2}" height="${H}" fill="#808080"/>`),
      W,
      H,
    );
    expect(share).toBeCloseTo(0.5, 2);
    expect(mask[0]).toBe(255);
    expect(mask[W - 1]).toBe(0);
  });
});
