import { readdirSync, readFileSync } from "node:fs";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { prepareImage } from "../prepare";
import { modelChecks, shutdownModelChecks } from ".";
import { classifyNsfw, judgeNsfw, NSFW_CLASSES, nsfwCheck, nsfwInput, nsfwScore, type NsfwProbabilities } from "./nsfw";
import { modelPool } from "./pool";
import { isPromptMatchConfigured, promptMatchCheck, promptMatchStatus } from "./prompt-match";
import { contextFor, fixturePhotos } from "./testing";

afterAll(() => shutdownModelChecks());

const probs = (p: Partial<NsfwProbabilities>): NsfwProbabilities => ({
  Drawing: 0,
  Hentai: 0,
  Neutral: 0,
  Porn: 0,
  Sexy: 0,
  ...p,
});

describe("NSFW scoring", () => {
  it("adds porn, hentai and half of sexy", () => {
    expect(nsfwScore(probs({ Porn: 0.2, Hentai: 0.1, Sexy: 0.4, Neutral: 0.3 }))).toBeCloseTo(0.5);
    expect(nsfwScore(probs({ Neutral: 1 }))).toBe(0);
  });

  it("fails at `fail`, warns at `warn`, with the reason code on both", () => {
    const limits = { fail: 0.5, warn: 0.25 };
    expect(judgeNsfw(probs({ Porn: 0.9 }), limits)).toMatchObject({
      verdict: "fail",
      reasonCode: "nsfw",
      threshold: 0.5,
    });
    expect(judgeNsfw(probs({ Sexy: 0.6, Neutral: 0.4 }), limits)).toMatchObject({
      verdict: "warn",
      reasonCode: "nsfw",
      threshold: 0.25,
    });
    const pass = judgeNsfw(probs({ Neutral: 0.95, Porn: 0.05 }), limits);
    expect(pass).toMatchObject({ verdict: "pass", score: 0.05 });
    expect(pass.reasonCode).toBeUndefined();
    expect(pass.detail).toMatch(/NSFW score 5%/);
  });

  it("runs on every tier, stricter for hero", () => {
    expect(Object.keys(nsfwCheck.defaults).sort()).toEqual(["draft", "hero", "support"]);
    expect(nsfwCheck.defaults.hero!.fail!).toBeLessThan(nsfwCheck.defaults.draft!.fail!);
    expect(nsfwCheck).toMatchObject({ id: "nsfw", group: "safety" });
  });
});

describe("NSFW model (MobileNetV2 on onnxruntime, worker thread)", { timeout: 60_000 }, () => {
  it("classifies real photographs as safe, with five probabilities that sum to 1", async () => {
    const photos = await fixturePhotos();
    expect(photos.length).toBeGreaterThanOrEqual(5);
    const tiers = ["draft", "support", "hero"] as const;
    for (const [i, photo] of photos.entries()) {
      const image = await prepareImage(photo.bytes);
      const { probabilities } = await classifyNsfw(await nsfwInput(image));
      expect(Object.keys(probabilities).sort(), photo.name).toEqual([...NSFW_CLASSES].sort());
      const values = Object.values(probabilities);
      for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
      expect(
        values.reduce((a, b) => a + b, 0),
        photo.name,
      ).toBeCloseTo(1, 3);
      expect(probabilities.Neutral + probabilities.Drawing, photo.name).toBeGreaterThan(0.8);
      const tier = tiers[i % tiers.length]!;
      const outcome = await nsfwCheck.run(image, contextFor(tier));
      expect(outcome, `${photo.name} on ${tier}`).toMatchObject({ verdict: "pass", score: nsfwScore(probabilities) });
      expect(outcome.score).toBeLessThan(0.15);
    }
    // One thread, kept warm across every call above.
    expect(modelPool("nsfw").threads).toHaveLength(1);
    expect(modelPool("nsfw").completed).toBeGreaterThanOrEqual(photos.length * 2);
  });

  it("takes any prepared image: small, non-square, grey with alpha", async () => {
    const bytes = await sharp({
      create: { width: 300, height: 120, channels: 4, background: { r: 90, g: 90, b: 90, alpha: 0.5 } },
    })
      .greyscale()
      .png()
      .toBuffer();
    const pixels = await nsfwInput(await prepareImage(bytes));
    expect(pixels).toHaveLength(224 * 224 * 3);
    const { probabilities } = await classifyNsfw(pixels);
    expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it.runIf(process.platform === "linux")(
    "runs on an OS thread named check:nsfw (what bench/pipeline.ts counts as the checks' CPU)",
    async () => {
      await classifyNsfw(new Uint8Array(224 * 224 * 3).fill(100));
      const names = readdirSync("/proc/self/task").map((tid) =>
        readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim(),
      );
      expect(names).toContain("check:nsfw");
    },
  );

  it("applies the run's threshold overrides", async () => {
    const image = await prepareImage((await fixturePhotos())[0]!.bytes);
    const outcome = await nsfwCheck.run(image, contextFor("hero", { thresholds: { "nsfw.fail": 0, "nsfw.warn": 0 } }));
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "nsfw", threshold: 0 });
  });

  it("starts again after a shutdown", async () => {
    await shutdownModelChecks();
    const { probabilities } = await classifyNsfw(new Uint8Array(224 * 224 * 3).fill(128));
    expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it("rejects malformed input instead of guessing", async () => {
    await expect(classifyNsfw(new Uint8Array(10))).rejects.toThrow(/224×224 RGB/);
  });
});

describe("model check registry", () => {
  it("registers NSFW and text; prompt match stays out until a local model is configured", () => {
    expect(modelChecks.map((c) => c.id)).toEqual(["nsfw", "text"]);
    expect(isPromptMatchConfigured()).toBe(false);
    expect(promptMatchStatus()).toEqual({
      configured: false,
      reason: "No local CLIP model folder configured (KILN_CLIP_MODEL_DIR)",
    });
  });

  it("prompt match refuses to run unconfigured", async () => {
    const image = await prepareImage(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } })
        .png()
        .toBuffer(),
    );
    await expect(promptMatchCheck.run(image, contextFor("hero"))).rejects.toThrow(/not configured/);
  });
});
