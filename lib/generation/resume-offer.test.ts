import { describe, expect, it } from "vitest";
import { shouldOfferResume, STALLED_AFTER_MS, type ResumeOfferInput } from "./resume-offer";

const now = Date.parse("2026-12-05T12:00:00Z");
const base: ResumeOfferInput = {
  status: "running",
  counts: { queued: 5, running: 2, succeeded: 3, dead_lettered: 0, cancelled: 0 },
  waiting: null,
  engineUnreachable: false,
  createdAt: new Date(now - 10 * 60_000).toISOString(),
  lastFinishedAt: new Date(now - 5_000).toISOString(),
  now,
};

describe("shouldOfferResume", () => {
  it("does not offer Resume on a batch the engine is running", () => {
    expect(shouldOfferResume(base)).toBe(false);
    // Even long after the last finish: generations are in flight.
    expect(shouldOfferResume({ ...base, lastFinishedAt: new Date(now - 10 * 60_000).toISOString() })).toBe(false);
  });
  it("offers Resume when queued work has seen no activity for a minute", () => {
    const stalled = {
      ...base,
      counts: { ...base.counts, running: 0 },
      lastFinishedAt: new Date(now - STALLED_AFTER_MS).toISOString(),
    };
    expect(shouldOfferResume(stalled)).toBe(true);
    expect(shouldOfferResume({ ...stalled, lastFinishedAt: new Date(now - 1_000).toISOString() })).toBe(false);
  });
  it("offers Resume at once when the engine did not answer at queue time, and never on waiting or finished batches", () => {
    const fresh = {
      ...base,
      counts: { queued: 4, running: 0, succeeded: 0, dead_lettered: 0, cancelled: 0 },
      createdAt: new Date(now).toISOString(),
      lastFinishedAt: null,
    };
    expect(shouldOfferResume(fresh)).toBe(false);
    expect(shouldOfferResume({ ...fresh, engineUnreachable: true })).toBe(true);
    expect(
      shouldOfferResume({ ...fresh, createdAt: new Date(now - 120_000).toISOString(), waiting: "budget used up" }),
    ).toBe(false);
    expect(shouldOfferResume({ ...base, status: "completed", counts: { ...base.counts, running: 0 } })).toBe(false);
  });
});
