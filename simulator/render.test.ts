import { describe, expect, it } from "vitest";
import { renderPng } from "./render";
import { measure } from "./test-metrics";

const base = { prompt: "a red sneaker on a white table, studio photo", seed: 42, width: 512, height: 512 };

describe("procedural renderer", () => {
  it("is deterministic: same prompt, seed and size give byte-identical PNGs", async () => {
    const a = await renderPng(base);
    const b = await renderPng({ ...base });
    expect(a.equals(b)).toBe(true);
    expect(a.subarray(1, 4).toString("latin1")).toBe("PNG");
  });

  it("changes with the seed, the prompt and the size", async () => {
    const a = await renderPng(base);
    expect(a.equals(await renderPng({ ...base, seed: 43 }))).toBe(false);
    expect(a.equals(await renderPng({ ...base, prompt: "a blue kettle" }))).toBe(false);
    const wide = await measure(await renderPng({ ...base, width: 768, height: 512 }));
    expect([wide.width, wide.height]).toEqual([768, 512]);
  });

  it("produces pictures, not blanks and not pure noise", async () => {
    for (const [i, prompt] of ["product photo of a mug", "fantasy sword, game asset", "summer sale banner"].entries()) {
      const m = await measure(await renderPng({ prompt, seed: i, width: 256, height: 256 }));
      expect(m.stdev).toBeGreaterThan(20); // real structure: gradients and objects
      expect(m.mean).toBeGreaterThan(30);
      expect(m.mean).toBeLessThan(225);
      // Pure noise has a Laplacian variance in the thousands; a picture with grain sits far below.
      expect(m.sharpness).toBeLessThan(2_000);
      expect(m.sharpness).toBeGreaterThan(20);
    }
  });

  it("makes blurred faults measurably blurrier and washed-out faults flatter and brighter", async () => {
    const good = await measure(await renderPng(base));
    const blurred = await measure(await renderPng(base, { blur: true }));
    const washed = await measure(await renderPng(base, { washedOut: true }));
    expect(blurred.sharpness).toBeLessThan(good.sharpness / 5);
    expect(washed.stdev).toBeLessThan(good.stdev * 0.5);
    expect(washed.mean).toBeGreaterThan(good.mean + 30);
  });
});
