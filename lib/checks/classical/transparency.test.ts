import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { loadPhoto } from "../calibration/photos";
import { prepareImage } from "../prepare";
import { blankCheck } from "./blank";
import { exposureCheck } from "./exposure";
import { sharpnessCheck } from "./sharpness";
import { contextFor } from "./testing";

/** A background removal's output: the photo's middle `side`×`side` kept, everything around it transparent. */
async function cutOut(photo: string, side: number, canvas = 512): Promise<Buffer> {
  const subject = await sharp(await loadPhoto(photo))
    .resize(side, side, { fit: "cover" })
    .ensureAlpha()
    .png()
    .toBuffer();
  return sharp({ create: { width: canvas, height: canvas, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: subject, gravity: "centre" }])
    .png()
    .toBuffer();
}

describe("checks on images with transparency (background removal)", () => {
  it("judges a cut-out's exposure and focus on its opaque pixels: the transparent 2/3 is not blown out", async () => {
    for (const photo of ["coffee", "astronaut", "chelsea"]) {
      const image = await prepareImage(await cutOut(photo, 300));
      const exposure = await exposureCheck.run(image, contextFor({ tier: "hero" }));
      expect(exposure.verdict, `${photo}: ${exposure.detail}`).toBe("pass");
      expect(image.alpha, photo).toBeDefined();
      const sharpness = await sharpnessCheck.run(image, contextFor({ tier: "hero" }));
      expect(sharpness.verdict, `${photo}: ${sharpness.detail}`).not.toBe("fail");
      expect((await blankCheck.run(image, contextFor({ tier: "hero" }))).verdict, photo).toBe("pass");
    }
  });

  it("still fails a cut-out whose subject itself is blown out", async () => {
    const subject = await sharp(await loadPhoto("coffee"))
      .resize(300, 300)
      .linear(3, 60)
      .ensureAlpha()
      .png()
      .toBuffer();
    const bytes = await sharp({
      create: { width: 512, height: 512, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([{ input: subject, gravity: "centre" }])
      .png()
      .toBuffer();
    const outcome = await exposureCheck.run(await prepareImage(bytes), contextFor());
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "overexposed" });
  });

  it("warns when almost nothing is opaque (too little to judge) and the blank check fails it", async () => {
    const image = await prepareImage(await cutOut("coffee", 30));
    const exposure = await exposureCheck.run(image, contextFor());
    expect(exposure).toMatchObject({ verdict: "warn", reasonCode: "mostly_transparent" });
    expect(await sharpnessCheck.run(image, contextFor())).toMatchObject({ verdict: "warn" });
    expect(await blankCheck.run(image, contextFor())).toMatchObject({ verdict: "fail", reasonCode: "blank" });
  });

  it("treats an alpha channel that is opaque everywhere like no alpha at all", async () => {
    const rgb = await sharp(await loadPhoto("gravel"))
      .png()
      .toBuffer();
    const rgba = await sharp(rgb).ensureAlpha(1).png().toBuffer();
    const [a, b] = [await prepareImage(rgb), await prepareImage(rgba)];
    expect(b.hasAlpha).toBe(true);
    expect(b.alpha).toBeUndefined();
    expect(Buffer.from(b.gray.data).equals(Buffer.from(a.gray.data))).toBe(true);
    expect(await exposureCheck.run(b, contextFor())).toEqual(await exposureCheck.run(a, contextFor()));
  });
});
