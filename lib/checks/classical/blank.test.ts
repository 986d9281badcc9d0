import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { solid } from "../calibration/degrade";
import { PHOTOS, loadPhoto } from "../calibration/photos";
import { prepareImage } from "../prepare";
import { blankCheck } from "./blank";
import { contextFor } from "./testing";

const run = async (bytes: Buffer, overrides = {}) => blankCheck.run(await prepareImage(bytes), contextFor(overrides));

describe("blankCheck", () => {
  it("runs on support and hero, not on draft", () => {
    expect(Object.keys(blankCheck.defaults).sort()).toEqual(["hero", "support"]);
  });

  it("fails flat fills, noisy or not, and a fully transparent image", async () => {
    for (const level of [0, 128, 255])
      expect(await run(await solid({ width: 256, height: 256, level }))).toMatchObject({
        verdict: "fail",
        reasonCode: "blank",
        score: 1,
      });
    expect((await run(await solid({ width: 256, height: 256, level: 90, noise: 3, seed: 7 }))).verdict).toBe("fail");
    const transparent = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    expect(await run(transparent)).toMatchObject({ verdict: "fail", reasonCode: "blank" });
  });

  it("passes every shipped photo", async () => {
    for (const photo of PHOTOS) expect((await run(await loadPhoto(photo.name))).verdict, photo.name).toBe("pass");
  });

  it("passes a flat background with a real subject on it", async () => {
    const subject = await sharp(await loadPhoto("coins"))
      .resize(200)
      .toBuffer();
    const canvas = await sharp({ create: { width: 400, height: 400, channels: 3, background: "#ffffff" } })
      .composite([{ input: subject, left: 100, top: 120 }])
      .png()
      .toBuffer();
    expect((await run(canvas)).verdict).not.toBe("fail");
  });

  it("follows threshold overrides", async () => {
    const photo = await loadPhoto("brick");
    expect((await run(photo)).verdict).toBe("pass");
    expect(await run(photo, { thresholds: { "blank.fail": 0.5 } })).toMatchObject({
      verdict: "fail",
      reasonCode: "blank",
      threshold: 0.5,
    });
  });
});
