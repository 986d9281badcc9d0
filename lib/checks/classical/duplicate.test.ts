import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { exposure, jpeg, nearDuplicate } from "../calibration/degrade";
import { loadPhoto } from "../calibration/photos";
import { allSources } from "../calibration/sources";
import { prepareImage } from "../prepare";
import type { HashRef } from "../types";
import { normalised } from "./derive";
import { duplicateCheck } from "./duplicate";
import { colourDifference, hammingDistance, imageHash, perceptualHash } from "./phash";
import { contextFor } from "./testing";

async function refOf(name: string, bytes?: Buffer): Promise<HashRef> {
  return { id: name, hash: imageHash(await prepareImage(bytes ?? (await loadPhoto(name)))), label: `variant ${name}` };
}

describe("perceptualHash and hammingDistance", () => {
  it("gives a stable 64-bit hex hash, the same from the decoded plane, the image and its normalised copy", async () => {
    const image = await prepareImage(await loadPhoto("astronaut"));
    const hash = perceptualHash(image.gray);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(perceptualHash(normalised(image))).toBe(hash);
    // The stored hash: the pHash, then the 4×4 grid's mean colours (48 bytes).
    const stored = imageHash(image);
    expect(stored).toMatch(new RegExp(`^${hash}:[0-9a-f]{96}$`));
    expect(imageHash(await prepareImage(await loadPhoto("astronaut")))).toBe(stored);
  });

  it("sets half the AC bits (median threshold) plus the DC bit", async () => {
    const hash = perceptualHash((await prepareImage(await loadPhoto("coffee"))).gray);
    const ones = [...hash].reduce((n, digit) => n + hammingDistance(digit, "0"), 0);
    expect(ones).toBe(32);
    expect(parseInt(hash[0]!, 16) & 8).toBe(8); // DC
  });

  it("counts differing bits", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("ffffffffffffffff", "0000000000000000")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(hammingDistance("A0", "a1")).toBe(1);
    expect(() => hammingDistance("ff", "fff")).toThrow(/Cannot compare/);
    expect(() => hammingDistance("zz", "00")).toThrow(/Cannot compare/);
  });

  it("compares a stored hash with colours and a bare pHash stored before them by their pHashes", async () => {
    const image = await prepareImage(await loadPhoto("chelsea"));
    expect(hammingDistance(imageHash(image), perceptualHash(image.gray))).toBe(0);
    expect(colourDifference(imageHash(image), perceptualHash(image.gray))).toBeUndefined();
    expect(colourDifference(imageHash(image), imageHash(image))).toBe(0);
  });

  it("keeps a rescaled, re-encoded copy close and another photo far", async () => {
    const photo = await loadPhoto("chelsea");
    const original = await refOf("chelsea");
    const bigger = await refOf("chelsea", await sharp(photo).resize(902).jpeg({ quality: 80 }).toBuffer());
    expect(hammingDistance(original.hash, bigger.hash)).toBeLessThanOrEqual(6);
    expect(hammingDistance(original.hash, (await refOf("coffee")).hash)).toBeGreaterThanOrEqual(20);
  });
});

describe("duplicateCheck", () => {
  it("runs on support and hero, not on draft", () => {
    expect(Object.keys(duplicateCheck.defaults).sort()).toEqual(["hero", "support"]);
  });

  it("fails a crop + resize + brightness copy of an earlier image and names it", async () => {
    const batch = [await refOf("coffee"), await refOf("astronaut"), await refOf("rocket")];
    const copy = await prepareImage(
      await nearDuplicate(await loadPhoto("astronaut"), { crop: 0.06, brightness: 1.08 }),
    );
    const outcome = await duplicateCheck.run(copy, contextFor({ batchHashes: batch }));
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "duplicate", threshold: 16 });
    expect(outcome.score).toBeLessThanOrEqual(16);
    expect(outcome.detail).toMatch(/and colours [\d.]+ levels apart/);
    expect(outcome.detail).toContain('"variant astronaut"');
  });

  it("fails a re-encoded copy, and passes a different photo against the same batch", async () => {
    const batch = [await refOf("coffee"), await refOf("camera")];
    const recoded = await prepareImage(await jpeg(await loadPhoto("camera"), 60));
    expect(await duplicateCheck.run(recoded, contextFor({ batchHashes: batch }))).toMatchObject({
      verdict: "fail",
      reasonCode: "duplicate",
    });
    const other = await duplicateCheck.run(
      await prepareImage(await loadPhoto("chelsea")),
      contextFor({ batchHashes: batch }),
    );
    expect(other.verdict).toBe("pass");
    expect(other.reasonCode).toBeUndefined();
    expect(other.score).toBeGreaterThan(18);
  });

  it("passes a different picture with the same layout but other colours, and says why", async () => {
    // Two simulator renders (sky, ground, a few objects): a +2 EV copy of one is as close to the other
    // in pHash as a cropped copy of a photo is to its original (version 1 compared pHashes only).
    const [sim4, sim5] = ["sim-4", "sim-5"].map((name) => allSources().find((s) => s.name === name)!);
    const earlier = await refOf("sim-5", await sim5!.load());
    const brighter = await prepareImage(await exposure(await sim4!.load(), 2));
    expect(hammingDistance(imageHash(brighter), earlier.hash)).toBeLessThanOrEqual(16);
    expect(colourDifference(imageHash(brighter), earlier.hash)).toBeGreaterThan(8);
    const outcome = await duplicateCheck.run(brighter, contextFor({ batchHashes: [earlier] }));
    expect(outcome).toMatchObject({ verdict: "pass", score: 64 });
    expect(outcome.detail).toMatch(/"variant sim-5" has a similar layout .* but other colours .*: a different picture/);
    // A hash stored without colours (before they were kept) is compared by pHash alone.
    const bare = { ...earlier, hash: earlier.hash.split(":")[0]! };
    expect((await duplicateCheck.run(brighter, contextFor({ batchHashes: [bare] }))).verdict).toBe("fail");
  });

  it("passes the first image of a batch", async () => {
    const outcome = await duplicateCheck.run(await prepareImage(await loadPhoto("coins")), contextFor());
    expect(outcome).toMatchObject({ verdict: "pass", score: 64 });
    expect(outcome.detail).toMatch(/No earlier image/);
  });

  it("follows threshold overrides", async () => {
    const batch = [await refOf("astronaut")];
    const copy = await prepareImage(
      await nearDuplicate(await loadPhoto("astronaut"), {
        crop: 0.04,
        brightness: 0.93,
        anchor: "top-left",
        quality: 85,
      }),
    );
    const { score } = await duplicateCheck.run(copy, contextFor({ batchHashes: batch }));
    expect(score).toBeGreaterThan(0);
    const strictOff = await duplicateCheck.run(
      copy,
      contextFor({ batchHashes: batch, thresholds: { "duplicate.fail": score - 1, "duplicate.warn": score } }),
    );
    expect(strictOff).toMatchObject({ verdict: "warn", reasonCode: "duplicate" });
    const off = await duplicateCheck.run(
      copy,
      contextFor({ batchHashes: batch, thresholds: { "duplicate.fail": -1, "duplicate.warn": -1 } }),
    );
    expect(off.verdict).toBe("pass");
  });
});
