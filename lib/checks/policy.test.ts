import { describe, expect, it } from "vitest";
import { decide, type ResultForDecision } from "./policy";
import { promptWantsText } from "./prompt-text";
import { effectiveThresholds, thresholdsFor, unknownThresholdKeys } from "./thresholds";
import type { CheckModule } from "./types";

const r = (
  checkId: string,
  verdict: ResultForDecision["verdict"],
  extra: Partial<ResultForDecision> = {},
): ResultForDecision => ({
  checkId,
  group: "quality",
  verdict,
  reasonCode: verdict === "pass" ? null : checkId,
  error: null,
  ...extra,
});

describe("the decision", () => {
  it("rejects on any fail, naming the safety reason before a quality one", () => {
    const d = decide("support", [
      r("sharpness", "fail", { reasonCode: "blur" }),
      r("nsfw", "fail", { group: "safety", reasonCode: "nsfw" }),
      r("exposure", "pass"),
    ]);
    expect(d).toMatchObject({ verdict: "fail", reasonCode: "nsfw", reasons: ["nsfw", "blur"], next: "rejected" });
  });

  it("sends a warning to a person", () => {
    expect(decide("draft", [r("nsfw", "warn", { group: "safety", reasonCode: "nsfw" })])).toMatchObject({
      verdict: "warn",
      next: "in_review",
      reasonCode: "nsfw",
    });
  });

  it("fails closed: a check that errored goes to a person even when the rest pass, and even on draft", () => {
    const d = decide("draft", [
      r("nsfw", "pass"),
      r("exposure", "warn", { error: "worker crashed", reasonCode: "check_error" }),
    ]);
    expect(d).toMatchObject({ verdict: "warn", reasonCode: "check_error", next: "in_review" });
  });

  it("a fail outranks an error (it is a clear rejection), an error outranks a plain warning", () => {
    expect(
      decide("hero", [r("exposure", "warn", { error: "boom" }), r("sharpness", "fail", { reasonCode: "blur" })]).next,
    ).toBe("rejected");
    expect(
      decide("hero", [
        r("style", "warn", { group: "consistency", reasonCode: "off_style" }),
        r("text", "warn", { error: "boom" }),
      ]).reasonCode,
    ).toBe("check_error");
  });

  it("follows the tier's policy when everything passes: draft is approved, support and hero go to review", () => {
    const all = [r("nsfw", "pass", { group: "safety" }), r("sharpness", "pass")];
    expect(decide("draft", all).next).toBe("approved");
    expect(decide("support", all).next).toBe("in_review");
    expect(decide("hero", all).next).toBe("in_review");
  });

  it("never approves when no check ran", () => {
    expect(decide("draft", []).next).toBe("in_review");
  });
});

const fake: CheckModule = {
  id: "sharpness",
  version: 1,
  group: "quality",
  label: "Sharpness",
  description: "",
  defaults: { support: { fail: 40, warn: 80 }, hero: { fail: 60, warn: 120 } },
  run: async () => ({ score: 0, verdict: "pass", detail: "" }),
};

describe("thresholds", () => {
  it("take the tier defaults, with the preset's overrides for the names the check reads", () => {
    expect(thresholdsFor(fake, "support", { "sharpness.fail": 55, "other.fail": 1 })).toEqual({ fail: 55, warn: 80 });
    expect(thresholdsFor(fake, "draft", {})).toBeNull();
    expect(effectiveThresholds([fake], "hero", { "sharpness.warn": 150 })).toEqual({
      "sharpness.fail": 60,
      "sharpness.warn": 150,
    });
  });

  it("name override keys no check reads", () => {
    expect(unknownThresholdKeys([fake], { "sharpness.fail": 1, sharpness: 0.3, "blurr.fail": 2 })).toEqual([
      "sharpness",
      "blurr.fail",
    ]);
  });
});

describe("does the prompt ask for text", () => {
  it("yes for quoted words or lettering, no when the negative prompt rules text out", () => {
    expect(promptWantsText('a poster with the headline "SUMMER SALE"', "blurry")).toBe(true);
    expect(promptWantsText("hand lettering on a chalkboard", "")).toBe(true);
    expect(promptWantsText('a poster with "SUMMER SALE"', "text, watermark")).toBe(false);
    expect(promptWantsText("a ceramic vase on a table, studio light", "blurry")).toBe(false);
  });
});
