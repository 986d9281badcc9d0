import { describe, expect, it } from "vitest";
import { backoffDelay, parseDuration, parseRetryAfter, sleepTarget } from "./durations";
import { compile, evaluateKey, matches } from "./expression";
import { seededEventId, ulid } from "./ids";

const event = { name: "t/a", data: { id: "x", n: 3, ok: true, nested: { k: "v" }, list: [1, 2] } };
const async = { name: "t/b", data: { id: "x", n: 4 } };

describe("expressions (the CEL subset Inngest uses)", () => {
  it.each([
    ["event.data.id == async.data.id", true],
    ["event.data.id != async.data.id", false],
    ["async.data.n > event.data.n && event.data.ok", true],
    ["event.data.n >= 4 || event.data.nested.k == 'v'", true],
    ['event.data["nested"]["k"] == "v"', true],
    ["!(event.data.ok)", false],
    ["event.data.missing == 'x'", false],
    ["event.data.missing.deeper == null", false],
    ["event.data.n + 1 == async.data.n", true],
    ["event.data.list == [1, 2]", true],
    ["event.name == 't/a'", true],
  ])("%s → %s", (src, expected) => {
    expect(matches(src, { event, async })).toBe(expected);
  });

  it("evaluates keys to strings", () => {
    expect(evaluateKey("event.data.id", { event })).toBe("x");
    expect(evaluateKey("event.data.n", { event })).toBe("3");
    expect(evaluateKey("event.data.none", { event })).toBe("null");
  });

  it("rejects what it does not support, loudly", () => {
    expect(() => compile("size(event.data.list) > 1")).toThrow(/function calls/);
    expect(() => compile("event.data.id.startsWith('x')")).toThrow(/method calls/);
    expect(() => compile("event.data.n ? 1 : 2")).toThrow(/unsupported character "\?"/);
    expect(() => compile("event.data.id == 'open")).toThrow(/unterminated/);
  });
});

describe("durations, backoff and ids", () => {
  it("parses Inngest time strings and sleepUntil dates", () => {
    expect(parseDuration("1s")).toBe(1000);
    expect(parseDuration("2h30m")).toBe(9_000_000);
    expect(parseDuration("1w1d")).toBe(691_200_000);
    expect(parseDuration("soon")).toBeNull();
    expect(sleepTarget("2030-01-01T00:00:00.000Z", 0)).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    expect(() => sleepTarget("whenever", 0)).toThrow(/Cannot parse sleep/);
    expect(parseRetryAfter("5", 1000)).toBe(6000);
    expect(parseRetryAfter(new Date(9000).toUTCString(), 0)).toBe(9000);
  });

  it("backs off exponentially with bounded jitter, keeping delays ordered", () => {
    const b = { baseMs: 100, maxMs: 10_000 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(b, a, () => 0))).toEqual([100, 200, 400, 800]);
    for (let a = 0; a < 6; a++) expect(backoffDelay(b, a, () => 0.999)).toBeLessThan(backoffDelay(b, a + 1, () => 0));
    expect(backoffDelay(b, 20, () => 0)).toBe(10_000);
  });

  it("makes ULIDs and derives the same event id from the same SDK seed", () => {
    expect(ulid()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const seed = `${Date.now()},${Buffer.from("0123456789").toString("base64")}`;
    expect(seededEventId(seed, 0)).toBe(seededEventId(seed, 0));
    expect(seededEventId(seed, 0)).not.toBe(seededEventId(seed, 1));
    expect(seededEventId("garbage", 0)).toBeNull();
  });
});
