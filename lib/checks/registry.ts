import type { Tier } from "@/lib/presets";
import { classicalChecks } from "./classical";
import { modelChecks } from "./models";
import type { CheckModule } from "./types";

/** Every check Kiln runs, safety first. Ids are stable: results and thresholds refer to them. */
export const ALL_CHECKS: CheckModule[] = [...modelChecks, ...classicalChecks];

const CLASSICAL_IDS = new Set(classicalChecks.map((c) => c.id));

export function getCheck(id: string): CheckModule | undefined {
  return ALL_CHECKS.find((c) => c.id === id);
}

/** The checks a tier runs (those with defaults for it): draft safety only; support safety + quality; hero all. */
export function checksForTier(tier: Tier): CheckModule[] {
  return ALL_CHECKS.filter((c) => c.defaults[tier]);
}

/**
 * How a tier's checks are split into Inngest steps: the classical checks share one decode in one
 * step; each model check is a step of its own (slow, and retried on its own after a crash).
 */
export function checkSteps(tier: Tier): { name: string; checkIds: string[] }[] {
  const checks = checksForTier(tier);
  const classical = checks.filter((c) => CLASSICAL_IDS.has(c.id)).map((c) => c.id);
  const models = checks
    .filter((c) => !CLASSICAL_IDS.has(c.id))
    .map((c) => ({ name: `check-${c.id}`, checkIds: [c.id] }));
  return [...models, ...(classical.length ? [{ name: "check-classical", checkIds: classical }] : [])];
}
