import type { AssetStatus } from "@/db/schema";
import type { Tier } from "@/lib/presets";
import type { CheckGroup, Verdict } from "./types";

/**
 * What happens after the checks pass, per tier (the brief's table): draft needs no review (and is
 * not exportable); support goes to legal review; hero always goes to review and needs two approvals.
 */
export const TIER_POLICY: Record<Tier, { reviewRequired: boolean; approvalsRequired: number }> = {
  draft: { reviewRequired: false, approvalsRequired: 0 },
  support: { reviewRequired: true, approvalsRequired: 1 },
  hero: { reviewRequired: true, approvalsRequired: 2 },
};

export type ResultForDecision = {
  checkId: string;
  group: CheckGroup;
  verdict: Verdict;
  reasonCode: string | null;
  error: string | null;
};

export type CheckDecision = {
  verdict: Verdict;
  /** The reason code of the deciding check: a failed one, or "check_error" / a warning's code. */
  reasonCode: string | null;
  /** Every failed check's reason, safety first (an image can be both blurred and unsafe); empty unless rejected. */
  reasons: string[];
  next: Extract<AssetStatus, "rejected" | "in_review" | "approved">;
  why: string;
};

const GROUP_ORDER: CheckGroup[] = ["safety", "quality", "consistency"];

/**
 * Any fail → rejected (safety reasons first); any warn, or a check that errored, or no check at
 * all → a human (fail closed); all pass → the tier's next stage.
 */
export function decide(tier: Tier, results: ResultForDecision[]): CheckDecision {
  const ordered = [...results].sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
  const failures = ordered.filter((r) => r.verdict === "fail" && !r.error);
  if (failures.length) {
    const reasons = [...new Set(failures.map((r) => r.reasonCode ?? r.checkId))];
    return {
      verdict: "fail",
      reasonCode: reasons[0]!,
      reasons,
      next: "rejected",
      why: `${failures.map((r) => r.checkId).join(", ")} failed`,
    };
  }
  const errored = ordered.find((r) => r.error);
  if (errored)
    return {
      verdict: "warn",
      reasonCode: "check_error",
      reasons: [],
      next: "in_review",
      why: `${errored.checkId} could not run: a person decides`,
    };
  const warned = ordered.find((r) => r.verdict === "warn");
  if (warned)
    return {
      verdict: "warn",
      reasonCode: warned.reasonCode ?? warned.checkId,
      reasons: [],
      next: "in_review",
      why: `${warned.checkId} is uncertain: a person decides`,
    };
  if (results.length === 0)
    return {
      verdict: "warn",
      reasonCode: "no_checks",
      reasons: [],
      next: "in_review",
      why: "no check ran: a person decides",
    };
  const policy = TIER_POLICY[tier];
  return policy.reviewRequired
    ? {
        verdict: "pass",
        reasonCode: null,
        reasons: [],
        next: "in_review",
        why: `all checks passed; ${tier} work goes to review`,
      }
    : {
        verdict: "pass",
        reasonCode: null,
        reasons: [],
        next: "approved",
        why: `all checks passed; ${tier} work needs no review`,
      };
}
