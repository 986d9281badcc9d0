import type { Tier } from "@/lib/presets";
import type { CheckModule } from "./types";

/** A check's thresholds for a tier: its tier defaults with the preset's `<checkId>.<name>` overrides. Null when the tier does not run it. */
export function thresholdsFor(
  check: CheckModule,
  tier: Tier,
  overrides: Record<string, number>,
): Record<string, number> | null {
  const defaults = check.defaults[tier];
  if (!defaults) return null;
  const out: Record<string, number> = { ...defaults };
  for (const name of Object.keys(defaults)) {
    const v = overrides[`${check.id}.${name}`];
    if (v !== undefined && Number.isFinite(v)) out[name] = v;
  }
  return out;
}

/** Every threshold in force for a tier, flat as `<checkId>.<name>` (what a check run snapshots). */
export function effectiveThresholds(
  checks: CheckModule[],
  tier: Tier,
  overrides: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const check of checks) {
    const t = thresholdsFor(check, tier, overrides);
    for (const [name, v] of Object.entries(t ?? {})) out[`${check.id}.${name}`] = v;
  }
  return out;
}

/** Override keys a preset carries that no check reads (a typo, or a check that was removed). */
export function unknownThresholdKeys(checks: CheckModule[], overrides: Record<string, number>): string[] {
  const known = new Set(
    checks.flatMap((c) => Object.values(c.defaults).flatMap((d) => Object.keys(d ?? {}).map((n) => `${c.id}.${n}`))),
  );
  return Object.keys(overrides).filter((k) => !known.has(k));
}
