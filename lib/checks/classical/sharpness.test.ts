import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { blur } from "../calibration/degrade";
import { loadPhoto } from "../calibration/photos";
import { prepareImage } from "../prepare";
import { sharpnessCheck } from "./sharpness";
import { contextFor } from "./testing";

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
      expect(blurred.detail).toMatch(/Laplacian variance .* below the failure level 50/);
    }
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
    // brick's σ 0.6 copy is soft enough for a warning, not a failure.
    const slightly = await prepareImage(await blur(await loadPhoto("brick"), 0.6));
    expect((await sharpnessCheck.run(slightly, contextFor({ tier: "support" }))).verdict).toBe("warn");
    const hero = await sharpnessCheck.run(
      await prepareImage(await loadPhoto("chelsea")),
      contextFor({ tier: "hero", thresholds: { "sharpness.fail": 1000 } }),
    );
    expect(hero).toMatchObject({ verdict: "fail", threshold: 1000 });
  });
});
