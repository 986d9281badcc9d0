import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { attentionFocal, cropBox } from "./crop";
import { publishProblems } from "./eligibility";

describe("cropBox", () => {
  it("takes the largest region of the target's ratio, centred on the focal point within the edges", () => {
    expect(cropBox({ width: 1024, height: 1024 }, { width: 1080, height: 1920 }, { x: 0.5, y: 0.5 })).toEqual({
      left: 224,
      top: 0,
      width: 576,
      height: 1024,
    });
    expect(cropBox({ width: 1024, height: 1024 }, { width: 1080, height: 1920 }, { x: 0, y: 0.5 }).left).toBe(0);
    expect(cropBox({ width: 1024, height: 1024 }, { width: 1080, height: 1920 }, { x: 1, y: 0.5 }).left).toBe(
      1024 - 576,
    );
    expect(cropBox({ width: 1024, height: 1024 }, { width: 728, height: 90 }, { x: 0.5, y: 0.9 })).toEqual({
      left: 0,
      top: 858,
      width: 1024,
      height: 127,
    });
    expect(cropBox({ width: 800, height: 600 }, { width: 300, height: 250 }, { x: Number.NaN, y: 0.5 })).toEqual({
      left: 40,
      top: 0,
      width: 720,
      height: 600,
    });
  });
});

describe("attentionFocal", () => {
  it("centres on the interesting part of a wide image", async () => {
    // A flat grey field with a bright, saturated patch on the right.
    const base = sharp({ create: { width: 800, height: 400, channels: 3, background: { r: 90, g: 90, b: 90 } } });
    const patch = await sharp({
      create: { width: 120, height: 120, channels: 3, background: { r: 255, g: 40, b: 40 } },
    })
      .png()
      .toBuffer();
    const image = await base
      .composite([{ input: patch, left: 640, top: 140 }])
      .png()
      .toBuffer();
    const focal = await attentionFocal(image);
    expect(focal.x).toBeGreaterThan(0.6);
    expect(focal.y).toBeCloseTo(0.5, 1);
  });
});

describe("publishProblems", () => {
  const ok = { status: "approved", tier: "hero", altTextStatus: "confirmed", rightsExpiresAt: null } as const;
  it("passes an approved hero with confirmed alt text and no expiry", () => {
    expect(publishProblems(ok)).toEqual([]);
  });
  it("names every reason an asset is held back", () => {
    const now = new Date("2026-12-04T12:00:00Z");
    expect(
      publishProblems(
        { ...ok, status: "in_review", altTextStatus: "draft", rightsExpiresAt: new Date("2026-12-01T00:00:00Z") },
        now,
      ),
    ).toEqual(["not approved (in review)", "alt text not confirmed by a person", "usage rights expired on 2026-12-01"]);
    expect(publishProblems({ ...ok, tier: "draft", altTextStatus: "none" })).toHaveLength(2);
    expect(publishProblems({ ...ok, rightsExpiresAt: new Date(Date.now() + 86_400_000) })).toEqual([]);
  });
});
