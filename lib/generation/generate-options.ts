import type { Ctx } from "@/lib/auth/context";
import { costOfCall, formatUnitMicros, type ImageSize, type PriceModel } from "@/lib/costs/estimate";
import type { TemplateDefinition } from "@/lib/templates/types";
import { supportsReferenceImage } from "@/lib/providers/reference-image";
import { listActivePresets, listActiveTemplates } from "./catalog";
import { ASPECT_RATIOS, type AspectRatio } from "./sizes";

export type GenerateOptions = {
  templates: { id: string; name: string; description: string; version: number; definition: TemplateDefinition }[];
  presets: {
    id: string;
    name: string;
    tier: string;
    version: number;
    provider: string;
    isSimulator: boolean;
    paused: boolean;
    size: string;
    price: string;
    /** Whether the preset's endpoint can start from a reference image (A1111 img2img, ComfyUI). */
    referenceImage: boolean;
  }[];
  aspectRatios: AspectRatio[];
};

/**
 * The tier cards are compared side by side, so every preset's price is said in one unit: per image at
 * the preset's own size (a per-megapixel or per-GPU-second price converted), whatever the provider bills in.
 */
export function pricePerImage(pm: PriceModel, size: ImageSize): string {
  return `${pm.kind === "per_gpu_second" ? "≈ " : ""}${formatUnitMicros(costOfCall(pm, size))} per image`;
}

/** What the Generate page offers: active template and preset versions, described for people. */
export async function getGenerateOptions({ ctx }: { ctx: Ctx }): Promise<GenerateOptions> {
  const [templates, presets] = await Promise.all([listActiveTemplates(ctx.db), listActivePresets(ctx.db)]);
  return {
    templates: templates.map((t) => ({
      id: t.template.id,
      name: t.template.name,
      description: t.template.description,
      version: t.version.version,
      definition: t.version.definition,
    })),
    presets: presets.map((p) => ({
      id: p.preset.id,
      name: p.preset.name,
      tier: p.preset.tier,
      version: p.version.version,
      provider: p.provider.name,
      isSimulator: p.provider.isSimulator,
      paused: p.provider.paused,
      size: `${p.version.params.width}×${p.version.params.height}, ${p.version.params.steps} steps`,
      price: pricePerImage(p.version.priceModel, { width: p.version.params.width, height: p.version.params.height }),
      referenceImage: supportsReferenceImage(p.provider.kind),
    })),
    aspectRatios: Object.keys(ASPECT_RATIOS) as AspectRatio[],
  };
}
