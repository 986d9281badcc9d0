import type { PresetParams } from "@/db/schema";
import type { Tier } from "@/db/schema/presets";
import type { PriceModel } from "@/lib/costs/estimate";

/**
 * The three presets every installation starts with, one per tier, against the built-in simulator.
 * Prices are illustrative list prices for the simulated models, in integer micro-dollars.
 */
export const SEED_PRESETS: {
  slug: string;
  name: string;
  tier: Tier;
  model: string;
  params: PresetParams;
  priceModel: PriceModel;
  rerollLimit: number;
}[] = [
  {
    slug: "draft-fast",
    name: "Draft — fast mock-ups",
    tier: "draft",
    model: "kiln-sim-draft-v1",
    params: { width: 512, height: 512, steps: 8, sampler: "Euler a", cfgScale: 5 },
    priceModel: { kind: "per_image", microsPerImage: 2_000 },
    rerollLimit: 1,
  },
  {
    slug: "support-standard",
    name: "Support — social and blog",
    tier: "support",
    model: "kiln-sim-support-v1",
    params: { width: 768, height: 768, steps: 20, sampler: "DPM++ 2M Karras", cfgScale: 6.5 },
    priceModel: { kind: "per_megapixel", microsPerMegapixel: 12_000 },
    rerollLimit: 2,
  },
  {
    slug: "hero-brand",
    name: "Hero — brand assets",
    tier: "hero",
    model: "kiln-sim-hero-v1",
    params: { width: 1024, height: 1024, steps: 40, sampler: "DPM++ 2M Karras", cfgScale: 7 },
    priceModel: { kind: "per_gpu_second", microsPerGpuSecond: 1_100, expectedGpuSeconds: 18 },
    rerollLimit: 2,
  },
];
