import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { blur, jpeg } from "../calibration/degrade";
import { loadPhoto } from "../calibration/photos";
import { prepareImage } from "../prepare";
import { artefactsCheck } from "./artefacts";
import { blockiness } from "./measures";
import { contextFor } from "./testing";

const run = async (bytes: Buffer, overrides = {}) =>
  artefactsCheck.run(await prepareImage(bytes), contextFor(overrides));

describe("artefactsCheck", () => {
  it("runs on support and hero, not on draft", () => {
    expect(Object.keys(artefactsCheck.defaults).sort()).toEqual(["hero", "support"]);
  });

  it("fails heavy JPEG (quality 5 and 10) with reason compression_artefacts and passes quality 90", async () => {
    for (const name of ["astronaut", "coffee", "chelsea", "grass"]) {
      const photo = await loadPhoto(name);
      expect((await run(await jpeg(photo, 90))).verdict, name).toBe("pass");
      for (const quality of [5, 10]) {
        const outcome = await run(await jpeg(photo, quality));
        expect(outcome, `${name} q${quality}`).toMatchObject({
          verdict: "fail",
          reasonCode: "compression_artefacts",
          threshold: 1.6,
        });
        expect(outcome.detail).toMatch(/8×8 compression blocks are visible/);
      }
    }
  });

  it("does not mistake smooth (blurred) content for blocking", async () => {
    for (const name of ["astronaut", "clock-motion"]) {
      const outcome = await run(await blur(await loadPhoto(name), 5));
      expect(outcome.verdict, name).toBe("pass");
      expect(outcome.score).toBeLessThan(1.2);
    }
  });

  it("finds a block grid that a crop has shifted off the image origin", async () => {
    const blocky = await jpeg(await loadPhoto("coffee"), 8);
    const cropped = await sharp(blocky).extract({ left: 3, top: 5, width: 500, height: 300 }).png().toBuffer();
    expect(await run(cropped)).toMatchObject({ verdict: "fail", reasonCode: "compression_artefacts" });
  });

  it("scores 1 on a flat image and on images too small for a grid", () => {
    expect(blockiness({ data: new Uint8Array(64 * 64).fill(90), width: 64, height: 64 })).toBe(1);
    expect(blockiness({ data: new Uint8Array(8 * 8), width: 8, height: 8 })).toBe(1);
  });

  it("scores a synthetic 8×8 checker of flat blocks far above a smooth ramp", () => {
    const size = 128;
    const blocks = new Uint8Array(size * size);
    const ramp = new Uint8Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        blocks[y * size + x] = ((x >> 3) + (y >> 3)) % 2 ? 140 : 110;
        ramp[y * size + x] = (x + y) >> 1;
      }
    }
    expect(blockiness({ data: blocks, width: size, height: size })).toBeGreaterThan(5);
    expect(blockiness({ data: ramp, width: size, height: size })).toBeCloseTo(1, 1);
  });

  it("follows threshold overrides", async () => {
    const heavy = await jpeg(await loadPhoto("astronaut"), 10);
    expect((await run(heavy)).verdict).toBe("fail");
    expect(await run(heavy, { thresholds: { "artefacts.fail": 10, "artefacts.warn": 1.3 } })).toMatchObject({
      verdict: "warn",
      threshold: 1.3,
    });
    expect((await run(heavy, { thresholds: { "artefacts.fail": 10, "artefacts.warn": 10 } })).verdict).toBe("pass");
  });
});
