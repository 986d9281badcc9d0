import { describe, expect, it } from "vitest";
import { createPresetInputFromForm, presetVersionInputFromForm } from "./form-input";
import { dollarsToMicros, microsToDollars } from "./money";

const PRESET = "00000000-0000-4000-8000-000000000001";
const PROVIDER = "00000000-0000-4000-8000-000000000002";
const base = {
  presetId: PRESET,
  providerId: PROVIDER,
  model: "kiln-sim-hero-v2",
  "params.width": "1024",
  "params.height": "768",
  "params.steps": "30",
  "params.sampler": "DPM++ 2M Karras",
  "params.cfgScale": "7.5",
  "priceModel.kind": "per_image",
  "priceModel.amount": "0.0125",
  checkThresholds: "sharpness = 0.35\n\n# comment\nexposure: 0.2",
  note: "Brighter",
};

describe("dollars to micro-dollars", () => {
  it("parses the decimal string exactly, never through a float", () => {
    expect(dollarsToMicros("0.1", "p") + dollarsToMicros("0.2", "p")).toBe(300_000);
    expect(dollarsToMicros("$1.000001", "p")).toBe(1_000_001);
    expect(dollarsToMicros(" 12 ", "p")).toBe(12_000_000);
    expect(dollarsToMicros(".5", "p")).toBe(500_000);
    expect(dollarsToMicros("0.0011", "p")).toBe(1_100);
  });

  it("refuses what is not a dollar amount, saying why", () => {
    expect(() => dollarsToMicros("0.0000001", "p")).toThrow(/6 decimal places/);
    expect(() => dollarsToMicros("1,50", "p")).toThrow(/not a dollar amount/);
    expect(() => dollarsToMicros("-1", "p")).toThrow(/not a dollar amount/);
    expect(() => dollarsToMicros("1e3", "p")).toThrow(/not a dollar amount/);
    expect(() => dollarsToMicros("", "p")).toThrow(/Enter a price/);
    expect(() => dollarsToMicros("2000000", "p")).toThrow(/above \$1,000,000/);
  });

  it("formats micros back exactly", () => {
    expect([2_000, 1_000_000, 1_100, 12_345_678, 0].map(microsToDollars)).toEqual([
      "0.002",
      "1.00",
      "0.0011",
      "12.345678",
      "0.00",
    ]);
  });
});

describe("the preset form", () => {
  it("turns flat fields into the lib input: numbers, LoRA rows, thresholds, micros", () => {
    const input = presetVersionInputFromForm({
      ...base,
      "loras.0.name": "film-grain",
      "loras.0.weight": "0.6",
      "loras.3.name": "",
      "loras.3.weight": " ",
      "loras.1.name": "sharpen",
      "loras.1.weight": "-1",
    });
    expect(input).toMatchObject({
      presetId: PRESET,
      loras: [
        { name: "film-grain", weight: 0.6 },
        { name: "sharpen", weight: -1 },
      ],
      params: { width: 1024, height: 768, steps: 30, sampler: "DPM++ 2M Karras", cfgScale: 7.5 },
      priceModel: { kind: "per_image", microsPerImage: 12_500 },
      checkThresholds: { sharpness: 0.35, exposure: 0.2 },
    });
    const gpu = presetVersionInputFromForm({
      ...base,
      "priceModel.kind": "per_gpu_second",
      "priceModel.amount": "0.0011",
      "priceModel.expectedGpuSeconds": "18",
    });
    expect(gpu).toMatchObject({
      priceModel: { kind: "per_gpu_second", microsPerGpuSecond: 1_100, expectedGpuSeconds: 18 },
    });
  });

  it("reports form errors together with the schema's, each under its field", () => {
    const fail = (f: Record<string, unknown>) => {
      try {
        createPresetInputFromForm(f);
      } catch (e) {
        return (e as { fields: Record<string, string[]> }).fields;
      }
      throw new Error("expected a failure");
    };
    const fields = fail({
      ...base,
      slug: "Bad Slug",
      name: "x",
      tier: "gold",
      "priceModel.amount": "abc",
      checkThresholds: "sharpness high",
      "params.width": "wide",
    });
    expect(fields["priceModel.amount"]).toEqual([expect.stringContaining('"abc" is not a dollar amount')]);
    expect(fields.checkThresholds).toEqual(['Line 1: write "check = number", e.g. "sharpness = 0.35".']);
    expect(fields["params.width"]).toEqual(["Width must be a number."]);
    expect(fields.slug).toBeDefined();
    expect(fields.tier).toEqual(["Tier must be one of: draft, support, hero."]);
    expect(fail({ ...base, "priceModel.kind": "per_token" })["priceModel.kind"]).toEqual([
      "Choose how this model is billed.",
    ]);
  });
});
