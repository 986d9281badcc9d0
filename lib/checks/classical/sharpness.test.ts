import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { blur } from "../calibration/degrade";
import { loadPhoto } from "../calibration/photos";
import { prepareImage } from "../prepare";
import { normalisedStats } from "./derive";
import { sharpnessCheck } from "./sharpness";
import { contextFor } from "./testing";

/**
 * A studio product shot drawn at 512 px: a flat backdrop and a bottle with a label covering about a
 * tenth of the frame, softened by a Gaussian of `sigma` px (σ 1 is a slightly soft lens, σ ≥ 2 out of focus).
 */
async function productShot(sigma: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"><rect width="100%" height="100%" fill="#ececea"/><rect x="195" y="154" width="123" height="256" rx="20" fill="#2f5d8a"/><rect x="236" y="102" width="41" height="61" fill="#1d3a57"/><rect x="205" y="230" width="102" height="72" fill="#f4efe2"/><text x="256" y="271" font-family="sans-serif" font-size="18" text-anchor="middle" fill="#222">KILN OIL</text></svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  return sigma ? sharp(png).blur(sigma).png().toBuffer() : png;
}

describe("sharpnessCheck", () => {
  it("runs on support and hero, not on draft (draft is safety only)", () => {
    expect(Object.keys(sharpnessCheck.defaults).sort()).toEqual(["hero", "support"]);
  });

  it("passes the sharp photos and fails their σ 4 blurs with reason blur", async () => {
    for (const name of ["astronaut", "coffee", "grass", "brick"]) {
      const original = await sharpnessCheck.run(await prepareImage(await loadPhoto(name)), contextFor());
      expect(original.verdict, name).toBe("pass");
      expect(original.reasonCode).toBeUndefined();
      const blurred = await sharpnessCheck.run(await prepareImage(await blur(await loadPhoto(name), 4)), contextFor());
      expect(blurred.verdict, name).toBe("fail");
      expect(blurred.reasonCode).toBe("blur");
      expect(blurred.score).toBeLessThan(original.score / 10);
      expect(blurred.threshold).toBe(50);
      expect(blurred.detail).toMatch(/^Focus .* below the failure level 50/);
    }
  });

  it("judges the sharpest part: a slightly soft product on a flat backdrop passes, out-of-focus copies fail", async () => {
    const soft = await prepareImage(await productShot(1));
    // Over the whole frame the flat backdrop dilutes the edge energy under the failure level (what version 2 scored).
    expect(normalisedStats(soft).laplacianVariance).toBeLessThan(50);
    const outcome = await sharpnessCheck.run(soft, contextFor());
    expect(outcome.verdict, outcome.detail).toBe("pass");
    for (const sigma of [2, 3]) {
      const blurred = await sharpnessCheck.run(await prepareImage(await productShot(sigma)), contextFor());
      expect(blurred, `σ ${sigma}`).toMatchObject({ verdict: "fail", reasonCode: "blur" });
    }
  });

  it("is not fooled by a small sharp patch on a blurred photo", async () => {
    const photo = await loadPhoto("astronaut");
    const patch = await sharp(photo).extract({ left: 200, top: 100, width: 64, height: 64 }).png().toBuffer();
    const bytes = await sharp(await blur(photo, 4))
      .composite([{ input: patch, left: 40, top: 40 }])
      .png()
      .toBuffer();
    expect(await sharpnessCheck.run(await prepareImage(bytes), contextFor())).toMatchObject({ verdict: "fail" });
  });

  it("fails a real motion-blurred photograph", async () => {
    const outcome = await sharpnessCheck.run(await prepareImage(await loadPhoto("clock-motion")), contextFor());
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "blur" });
  });

  it("judges at a normalised size: the same photo at 2× scores like the original", async () => {
    const photo = await loadPhoto("astronaut");
    const small = await sharpnessCheck.run(await prepareImage(photo), contextFor());
    const big = await sharpnessCheck.run(
      await prepareImage(await sharp(photo).resize(1024, 1024, { kernel: "nearest" }).png().toBuffer()),
      contextFor(),
    );
    expect(big.score / small.score).toBeGreaterThan(0.8);
    expect(big.score / small.score).toBeLessThan(1.25);
    expect(big.verdict).toBe("pass");
  });

  it("follows threshold overrides and the tier", async () => {
    const soft = await prepareImage(await blur(await loadPhoto("astronaut"), 2));
    expect((await sharpnessCheck.run(soft, contextFor())).verdict).toBe("fail");
    // A preset that tolerates soft images.
    const lenient = await sharpnessCheck.run(
      soft,
      contextFor({ thresholds: { "sharpness.fail": 5, "sharpness.warn": 10 } }),
    );
    expect(lenient.verdict).toBe("pass");
    const warnOnly = await sharpnessCheck.run(soft, contextFor({ thresholds: { "sharpness.fail": 5 } }));
    expect(warnOnly).toMatchObject({ verdict: "warn", reasonCode: "blur", threshold: 100 });
    // brick's σ 1 copy is soft enough for a warning, not a failure.
    const slightly = await prepareImage(await blur(await loadPhoto("brick"), 1));
    expect((await sharpnessCheck.run(slightly, contextFor({ tier: "support" }))).verdict).toBe("warn");
    const hero = await sharpnessCheck.run(
      await prepareImage(await loadPhoto("chelsea")),
      contextFor({ tier: "hero", thresholds: { "sharpness.fail": 5000 } }),
    );
    expect(hero).toMatchObject({ verdict: "fail", threshold: 5000 });
  });
});
