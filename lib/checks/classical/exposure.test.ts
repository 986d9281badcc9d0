import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { contrast, exposure } from "../calibration/degrade";
import { loadPhoto, PHOTOS } from "../calibration/photos";
import { prepareImage } from "../prepare";
import { normalisedStats } from "./derive";
import { exposureCheck, exposureStats } from "./exposure";
import { contextFor } from "./testing";

/** A shipped photo's grey levels recoloured orange (red = grey, green ≈ ½ grey, blue ≈ ⅒ grey), as a PNG. */
async function orange(name: string): Promise<Buffer> {
  const { data, info } = await sharp(await loadPhoto(name))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgb = Buffer.alloc(info.width * info.height * 3);
  for (let i = 0; i < data.length; i++) {
    rgb[i * 3] = data[i]!;
    rgb[i * 3 + 1] = Math.round(data[i]! * 0.45);
    rgb[i * 3 + 2] = Math.round(data[i]! * 0.1);
  }
  return sharp(rgb, { raw: { width: info.width, height: info.height, channels: 3 } })
    .png()
    .toBuffer();
}

const run = async (bytes: Buffer, overrides = {}) =>
  exposureCheck.run(await prepareImage(bytes), contextFor(overrides));

describe("exposureCheck", () => {
  it("runs on support and hero, not on draft", () => {
    expect(Object.keys(exposureCheck.defaults).sort()).toEqual(["hero", "support"]);
  });

  it("passes every shipped photo as it is, including a night scene and one with a black background", async () => {
    for (const photo of PHOTOS) {
      const outcome = await run(await loadPhoto(photo.name));
      expect(outcome.verdict, `${photo.name}: ${outcome.detail}`).toBe("pass");
    }
  });

  it("fails −2 EV as underexposed, +2 EV as overexposed and a contrast cut to 0.2 as low contrast", async () => {
    for (const name of ["astronaut", "coffee", "chelsea", "gravel"]) {
      const photo = await loadPhoto(name);
      expect(await run(await exposure(photo, -2)), name).toMatchObject({ verdict: "fail", reasonCode: "underexposed" });
      expect(await run(await exposure(photo, 2)), name).toMatchObject({ verdict: "fail", reasonCode: "overexposed" });
      expect(await run(await contrast(photo, 0.2)), name).toMatchObject({
        verdict: "fail",
        reasonCode: "low_contrast",
      });
    }
  });

  it("leaves ordinary ±0.5 EV and a 0.75 contrast alone", async () => {
    for (const name of ["astronaut", "coffee", "chelsea", "gravel"]) {
      const photo = await loadPhoto(name);
      for (const bytes of [await exposure(photo, -0.5), await exposure(photo, 0.5), await contrast(photo, 0.75)]) {
        expect((await run(bytes)).verdict, name).not.toBe("fail");
      }
    }
  });

  it("judges saturated colour by its channels: a blown-out orange is overexposed, a bright orange is not dark", async () => {
    const photo = await orange("chelsea");
    const original = await prepareImage(photo);
    // In grey levels the orange picture looks dim (version 2 called it underexposed) …
    expect(exposureStats(normalisedStats(original).histogram).highlight).toBeLessThan(150);
    expect(await exposureCheck.run(original, contextFor())).toMatchObject({ verdict: "pass" });
    // … and its +3 EV copy barely clipped (version 2 passed it), though its red channel is blown out.
    const brighter = await prepareImage(await exposure(photo, 3));
    expect(exposureStats(normalisedStats(brighter).histogram).whiteClip).toBeLessThan(0.01);
    const outcome = await exposureCheck.run(brighter, contextFor());
    expect(outcome, outcome.detail).toMatchObject({ verdict: "fail", reasonCode: "overexposed" });
    expect(outcome.detail).toMatch(/in at least one colour channel/);
  });

  it("calls a white-out overexposed, not low contrast", async () => {
    const outcome = await run(await exposure(await loadPhoto("clock-motion"), 3));
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "overexposed", threshold: 0.225 });
    expect(outcome.score).toBeGreaterThan(0.95);
    expect(outcome.detail).toMatch(/of the picture is blown out \(.* of the pixels to white/);
  });

  it("says what it measured in the detail and reports the deciding threshold", async () => {
    const outcome = await run(await exposure(await loadPhoto("coffee"), -3));
    expect(outcome.threshold).toBe(150);
    expect(outcome.score).toBeLessThan(150);
    expect(outcome.detail).toMatch(
      /^The highlights only reach level \d+ in their brightest channel, past the failure level 150 \(blown .*, RMS contrast/,
    );
  });

  it("follows threshold overrides", async () => {
    const dark = await exposure(await loadPhoto("astronaut"), -2);
    expect((await run(dark)).verdict).toBe("fail");
    expect((await run(dark, { thresholds: { "exposure.under_fail": 60, "exposure.under_warn": 70 } })).verdict).toBe(
      "pass",
    );
    const normal = await loadPhoto("astronaut");
    expect(await run(normal, { thresholds: { "exposure.contrast_fail": 256 } })).toMatchObject({
      verdict: "fail",
      reasonCode: "low_contrast",
      threshold: 256,
    });
    // astronaut has ~14 % pure black (space behind her): a strict crushed-shadow rule catches it.
    expect(await run(normal, { thresholds: { "exposure.crush_fail": 0.1 } })).toMatchObject({
      verdict: "fail",
      reasonCode: "underexposed",
    });
  });

  it("measures clipping at both ends and the tonal range from the histogram", () => {
    const bins = new Uint32Array(256);
    bins[0] = 10; // crushed black
    bins[100] = 80;
    bins[255] = 10; // blown white
    expect(exposureStats(bins)).toMatchObject({ blackClip: 0.1, whiteClip: 0.1, highlight: 255, range: 255 });
    const flat = new Uint32Array(256);
    flat[120] = 50;
    flat[130] = 50;
    expect(exposureStats(flat)).toMatchObject({ blackClip: 0, whiteClip: 0, highlight: 130, range: 10, mean: 125 });
    expect(exposureStats(flat).rmsContrast).toBeCloseTo(5 / 255, 6);
  });
});
