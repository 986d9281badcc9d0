import { describe, expect, it } from "vitest";
import { exposure } from "../calibration/degrade";
import { loadPhoto } from "../calibration/photos";
import { prepareImage } from "../prepare";
import type { HashRef } from "../types";
import { imageHash } from "./phash";
import { styleCheck } from "./style";
import { contextFor } from "./testing";

const refOf = async (name: string): Promise<HashRef> => ({
  id: name,
  hash: imageHash(await prepareImage(await loadPhoto(name))),
  label: `${name} reference`,
});

describe("styleCheck", () => {
  it("runs on support and hero, not on draft", () => {
    expect(Object.keys(styleCheck.defaults).sort()).toEqual(["hero", "support"]);
  });

  it("passes with 'no reference images' when the preset has none", async () => {
    const outcome = await styleCheck.run(await prepareImage(await loadPhoto("coffee")), contextFor());
    expect(outcome).toMatchObject({ verdict: "pass", detail: "no reference images" });
  });

  it("passes an image close to one of the references and names it", async () => {
    const refs = [await refOf("rocket"), await refOf("coffee")];
    const outcome = await styleCheck.run(
      await prepareImage(await exposure(await loadPhoto("coffee"), 0.5)),
      contextFor({ referenceHashes: refs }),
    );
    expect(outcome.verdict).toBe("pass");
    expect(outcome.detail).toContain('"coffee reference"');
  });

  it("warns (never fails) with off_style when every reference is far", async () => {
    const refs = [await refOf("coffee"), await refOf("astronaut")];
    const image = await prepareImage(await loadPhoto("gravel"));
    const outcome = await styleCheck.run(
      image,
      contextFor({ referenceHashes: refs, thresholds: { "style.warn": 16 } }),
    );
    expect(outcome).toMatchObject({ verdict: "warn", reasonCode: "off_style", threshold: 16 });
    expect(outcome.score).toBeGreaterThan(16);
    // Raising the bar past that distance lets it through.
    const relaxed = await styleCheck.run(
      image,
      contextFor({ referenceHashes: refs, thresholds: { "style.warn": outcome.score } }),
    );
    expect(relaxed.verdict).toBe("pass");
  });
});
