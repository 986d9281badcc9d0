import { describe, expect, it } from "vitest";
import { progressWords } from "./progress-words";

const counts = (c: Partial<Record<"queued" | "running" | "succeeded" | "dead_lettered" | "cancelled", number>>) => ({
  queued: 0,
  running: 0,
  succeeded: 0,
  dead_lettered: 0,
  cancelled: 0,
  ...c,
});

describe("progressWords", () => {
  it("names re-rolls instead of counting more done than the batch has images", () => {
    const w = progressWords(counts({ succeeded: 121 }), 118);
    expect(w.parts[0]).toBe("118 images + 3 re-rolls");
    expect(w.extra).toBe(3);
    expect(w.generations).toBe(121);
  });
  it("says 1 image, not 1 images, and hides cancelled when there are none", () => {
    const w = progressWords(counts({ running: 1 }), 1);
    expect(w.parts).toEqual(["1 image", "0 done", "1 running", "0 queued", "0 failed"]);
    expect(progressWords(counts({ succeeded: 1, cancelled: 1 }), 2).parts).toContain("1 cancelled");
    expect(progressWords(counts({ succeeded: 1 }), 1).parts[0]).toBe("1 image");
    expect(progressWords(counts({ succeeded: 2 }), 1).parts[0]).toBe("1 image + 1 re-roll");
  });
});
