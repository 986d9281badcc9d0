import { thresholdsFor } from "../thresholds";
import type { CheckContext, CheckModule, Verdict } from "../types";

/**
 * The thresholds a check applies to this run: its tier defaults with the run's overrides. A check
 * called directly on a tier it has no defaults for uses support's (as the classical checks do).
 */
export function limitsFor(check: CheckModule, context: CheckContext): Record<string, number> {
  const limits =
    thresholdsFor(check, context.tier, context.thresholds) ?? thresholdsFor(check, "support", context.thresholds);
  if (!limits) throw new Error(`The ${check.id} check has no thresholds for ${context.tier}.`);
  return limits;
}

/** A score where higher is worse: at or above `fail` fails, at or above `warn` warns. */
export function verdictAbove(
  score: number,
  limits: Record<string, number>,
  names = { fail: "fail", warn: "warn" },
): { verdict: Verdict; threshold: number } {
  const fail = limits[names.fail] ?? Infinity;
  const warn = limits[names.warn] ?? fail;
  if (score >= fail) return { verdict: "fail", threshold: fail };
  if (score >= warn) return { verdict: "warn", threshold: warn };
  return { verdict: "pass", threshold: warn };
}

/** A score where lower is worse: below `fail` fails, below `warn` warns. */
export function verdictBelow(
  score: number,
  limits: Record<string, number>,
  names: { fail: string; warn: string },
): { verdict: Verdict; threshold: number } {
  const fail = limits[names.fail] ?? -Infinity;
  const warn = limits[names.warn] ?? fail;
  if (score < fail) return { verdict: "fail", threshold: fail };
  if (score < warn) return { verdict: "warn", threshold: warn };
  return { verdict: "pass", threshold: warn };
}
