import type { Role } from "@/db/schema";

/** One line per role on Home: what that person does here today (every module named is live). */
export const ROLE_SUMMARIES: Record<Role, string> = {
  admin:
    "You run this Kiln: users and roles, GPU endpoints, presets and templates, budgets, switches and the audit log.",
  designer:
    "You queue generations from a template or a CSV, follow them live, edit the results and send them to review.",
  reviewer:
    "You approve or reject assets for legal from the review queue, with every check result and how each asset was made.",
  finance:
    "You follow spend and cost per usable asset on the cost dashboards, set budgets and export CSV for the books.",
};
