import type { PresetVersion } from "@/db/schema";
import type { PriceModel } from "@/lib/costs/estimate";
import { microsToDollars } from "./money";

/**
 * One line an admin can read: "$0.002 / image". Exact to the micro (not formatMicros, which rounds
 * totals to cents): a unit price of $0.0125 must not read as $0.01.
 */
export function describePriceModel(p: PriceModel): string {
  switch (p.kind) {
    case "per_image":
      return `$${microsToDollars(p.microsPerImage)} / image`;
    case "per_megapixel":
      return `$${microsToDollars(p.microsPerMegapixel)} / megapixel`;
    case "per_gpu_second":
      return `$${microsToDollars(p.microsPerGpuSecond)} / GPU-second (~${p.expectedGpuSeconds} s per image)`;
  }
}

type Content = Pick<
  PresetVersion,
  "providerId" | "model" | "loras" | "params" | "priceModel" | "checkThresholds" | "rerollLimit"
>;

/** Compares two records key by key: "+key value", "−key", "key a → b". */
function diffRecord(label: string, before: Record<string, number>, after: Record<string, number>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) out.push(`${label} +${k} (${v})`);
    else if (before[k] !== v) out.push(`${label} ${k} ${before[k]} → ${v}`);
  }
  for (const k of Object.keys(before)) if (!(k in after)) out.push(`${label} −${k}`);
  return out;
}

/**
 * A compact, human summary of what a version changed against the one before it, for the
 * history table. providerName resolves ids to names.
 */
export function diffPresetVersions(
  prev: Content | null,
  next: Content,
  providerName: (id: string) => string,
): string[] {
  if (!prev) return ["first version"];
  const out: string[] = [];
  if (prev.providerId !== next.providerId)
    out.push(`provider ${providerName(prev.providerId)} → ${providerName(next.providerId)}`);
  if (prev.model !== next.model) out.push(`model ${prev.model} → ${next.model}`);
  const a = prev.params;
  const b = next.params;
  if (a.width !== b.width || a.height !== b.height) out.push(`size ${a.width}×${a.height} → ${b.width}×${b.height}`);
  if (a.steps !== b.steps) out.push(`steps ${a.steps} → ${b.steps}`);
  if (a.sampler !== b.sampler) out.push(`sampler ${a.sampler} → ${b.sampler}`);
  if (a.cfgScale !== b.cfgScale) out.push(`CFG ${a.cfgScale} → ${b.cfgScale}`);
  const loras = (l: Content["loras"]) => Object.fromEntries(l.map((x) => [x.name, x.weight]));
  out.push(...diffRecord("LoRA", loras(prev.loras), loras(next.loras)));
  const pa = describePriceModel(prev.priceModel);
  const pb = describePriceModel(next.priceModel);
  if (pa !== pb) out.push(`price ${pa} → ${pb}`);
  out.push(...diffRecord("threshold", prev.checkThresholds, next.checkThresholds));
  if (prev.rerollLimit !== next.rerollLimit) out.push(`re-rolls ${prev.rerollLimit} → ${next.rerollLimit}`);
  return out.length ? out : ["no content change"];
}

/** Same content (the note aside)? Used to refuse an edit that would change nothing. */
export function samePresetContent(a: Content, b: Content): boolean {
  return diffPresetVersions(a, b, (id) => id)[0] === "no content change";
}
