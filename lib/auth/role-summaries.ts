import type { Role } from "@/db/schema";

export const ROLE_SUMMARIES: Record<Role, string> = {
  admin: "You run this Kiln: users and roles, the audit log, and everything designers, reviewers and finance see.",
  designer: "Upload reference images and, as Kiln grows, queue generations and edit results.",
  reviewer: "You approve or reject assets for legal; the review queue arrives with the review module.",
  finance: "You follow spend and cost per usable asset; the cost dashboards arrive with the costs module.",
};
