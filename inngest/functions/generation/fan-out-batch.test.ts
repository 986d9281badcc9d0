import { describe, expect, it } from "vitest";
import { fanOutChunks } from "./fan-out-batch";

describe("the fan-out's chunks", () => {
  it("starts small so the first images generate at once, then grows to 500 per step", () => {
    expect(fanOutChunks(512)).toEqual([32, 64, 128, 256, 32]);
    expect(fanOutChunks(8)).toEqual([8]);
    expect(fanOutChunks(0)).toEqual([]);
    const big = fanOutChunks(10_000);
    expect(big.slice(0, 5)).toEqual([32, 64, 128, 256, 500]);
    expect(Math.max(...big)).toBe(500);
    expect(big.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(big).toHaveLength(4 + Math.ceil((10_000 - 480) / 500));
  });
});
