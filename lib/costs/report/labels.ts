/** The breakdown's categories and their labels: plain data, safe to import from client components. */

/** Why money was spent (the ledger's purpose), plus overhead for spend that belongs to no lineage. */
export const SPEND_PURPOSES = ["first_attempt", "retry", "reroll", "edit", "overhead"] as const;
export type SpendPurpose = (typeof SPEND_PURPOSES)[number];
/**
 * Where the image the money was spent on ended up: the status of the asset a call made (or
 * retried towards, or edited). "no_image": the generation never produced one (failed for good,
 * cancelled, or still running).
 */
export const SPEND_OUTCOMES = [
  "approved",
  "rejected",
  "in_review",
  "changes_requested",
  "checking",
  "no_image",
  "overhead",
] as const;
export type SpendOutcome = (typeof SPEND_OUTCOMES)[number];

export const PURPOSE_LABELS: Record<SpendPurpose, string> = {
  first_attempt: "First attempts",
  retry: "Retries",
  reroll: "Re-rolls",
  edit: "Edits",
  overhead: "Overhead (unattributed)",
};
export const OUTCOME_LABELS: Record<SpendOutcome, string> = {
  approved: "Approved work",
  rejected: "Rejected work",
  in_review: "Waiting for review",
  changes_requested: "Changes requested",
  checking: "Being checked",
  no_image: "No image (failed or running)",
  overhead: "Overhead (unattributed)",
};
