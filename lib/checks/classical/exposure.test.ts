import { describe, expect, it } from "vitest";
import { contrast, exposure } from "../calibration/degrade";
import { loadPhoto, PHOTOS } from "../calibration/photos";
import { prepareImage } from "../prepare";
import { exposureCheck, exposureStats } from "./exposure";
import { contextFor } from "./testing";

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

  it("calls a white-out overexposed, not low contrast", async () => {
    const outcome = await run(await exposure(await loadPhoto("clock-motion"), 3));
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "overexposed", threshold: 0.08 });
    expect(outcome.score).toBeGreaterThan(0.95);
    expect(outcome.detail).toMatch(/blown out to white/);
  });

  it("says what it measured in the detail and reports the deciding threshold", async () => {
    const outcome = await run(await exposure(await loadPhoto("coffee"), -3));
    expect(outcome.threshold).toBe(145);
    expect(outcome.score).toBeLessThan(145);
    expect(outcome.detail).toMatch(
      /^The highlights only reach grey level \d+, past the failure level 145 \(white .*, RMS contrast/,
    );
  });

  it("follows threshold overrides", async () => {
    const dark = await exposure(await loadPhoto("astronaut"), -2);
    expect((await run(dark)).verdict).toBe("fail");
    expect((await run(dark, { thresholds: { "exposure.under_fail": 60, "exposure.under_warn": 70 } })).verdict).toBe(
      "pass",
    );
    const normal = await loadPhoto("astronaut");
    expect(await run(normal, { thresholds: { "exposure.contrast_fail": 254 } })).toMatchObject({
      verdict: "fail",
      reasonCode: "low_contrast",
      threshold: 254,
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
