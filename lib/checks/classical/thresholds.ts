import type { CheckContext, CheckModule, CheckOutcome, Verdict } from "../types";

/**
 * The thresholds a check runs with: the tier's defaults, overridden by the preset version's
 * `<checkId>.<name>` keys. A tier without defaults falls back to "support" (the pipeline does not
 * run a check on such a tier; a direct call still gets sensible numbers).
 */
export function thresholdsFor(
  check: Pick<CheckModule, "id" | "defaults">,
  context: CheckContext,
): Record<string, number> {
  const base = check.defaults[context.tier] ?? check.defaults.support ?? {};
  const merged: Record<string, number> = { ...base };
  for (const name of Object.keys(base)) {
    const override = context.thresholds[`${check.id}.${name}`];
    if (typeof override === "number" && Number.isFinite(override)) merged[name] = override;
  }
  return merged;
}

/** Reads one threshold, failing loudly on a typo instead of comparing against undefined. */
export function threshold(values: Record<string, number>, name: string): number {
  const value = values[name];
  if (value === undefined) throw new Error(`Missing threshold "${name}".`);
  return value;
}

/** Fail / warn / pass for a score where LOW is bad (e.g. sharpness): fail below `fail`, warn below `warn`. */
export function gradeLow(score: number, fail: number, warn: number): Verdict {
  return score < fail ? "fail" : score < warn ? "warn" : "pass";
}

/** Fail / warn / pass for a score where HIGH is bad (e.g. blockiness): fail above `fail`, warn above `warn`. */
export function gradeHigh(score: number, fail: number, warn: number): Verdict {
  return score > fail ? "fail" : score > warn ? "warn" : "pass";
}

/** An outcome carrying its reason code whenever it is not a pass (a warn tells the reviewer why, too). */
export function outcome(
  verdict: Verdict,
  fields: Omit<CheckOutcome, "verdict" | "reasonCode">,
  reasonCode: string,
): CheckOutcome {
  return verdict === "pass" ? { ...fields, verdict } : { ...fields, verdict, reasonCode };
}

/** Rounds for a detail sentence: 3 significant digits, no exponent for everyday values. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
