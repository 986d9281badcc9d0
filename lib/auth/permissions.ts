import type { Role } from "@/db/schema";

/**
 * Permissions are data: every action a handler guards, and the roles that may perform it.
 * The one guard (lib/auth/guard.ts) reads this table; nothing else decides access.
 */
export const PERMISSIONS = {
  "console.view": ["admin", "designer", "reviewer", "finance"],
  "uploads.create": ["admin", "designer"],
  "uploads.view": ["admin", "designer", "reviewer"],
  "generations.create": ["admin", "designer"],
  "batches.view": ["admin", "designer"],
  "assets.view": ["admin", "designer", "reviewer"],
  "checks.manage": ["admin"],
  "review.decide": ["admin", "reviewer"],
  "notifications.view": ["admin", "designer", "reviewer", "finance"],
  "blobs.read": ["admin", "designer", "reviewer", "finance"],
  "users.manage": ["admin"],
  "audit.view": ["admin"],
  "runs.manage": ["admin"],
  "policy.manage": ["admin"],
  "catalog.manage": ["admin"],
  "providers.manage": ["admin"],
  "assets.edit": ["admin", "designer"],
  "editing.manage": ["admin"],
  /** Costs page: designers see their own team's figures (all teams with users.costs_all_teams). */
  "costs.view": ["admin", "finance", "designer"],
  "costs.view_all": ["admin", "finance"],
  "costs.operations": ["admin"],
  "budgets.manage": ["admin", "finance"],
  "teams.manage": ["admin"],
  /** Tags: anyone who may see assets tags those they may act on; admins curate the suggested list. */
  "tags.apply": ["admin", "designer", "reviewer"],
  "tags.curate": ["admin"],
  /** Collections (boards): own ones, and those shared with one's team (read-only); lib/collections decides per board. */
  "collections.use": ["admin", "designer", "reviewer"],
  /** Delivery: placements, the alt-text engine and content credentials are installation settings. */
  "delivery.manage": ["admin"],
  /** Writing and confirming alt text, setting focal points and usage rights, on assets one may act on (lib/assets/access). */
  "assets.describe": ["admin", "designer", "reviewer"],
  /** Comments on a version, optionally pinned to a point or region of the image (reviewers and the asset's designer). */
  "assets.comment": ["admin", "designer", "reviewer"],
  "exports.create": ["admin", "designer", "reviewer"],
  /** Links for people outside Kiln (approved assets only). */
  "shares.create": ["admin", "designer", "reviewer"],
  /** API tokens for oneself (each /api/v1 route still needs its own permission for the owner's role). */
  "api_tokens.manage": ["admin", "designer", "reviewer", "finance"],
  /** Service accounts: users that never sign in, for tokens an integration owns. */
  "service_accounts.manage": ["admin"],
  /** Webhook endpoints for oneself; lib/webhooks lets only admins register a team's. */
  "webhooks.manage": ["admin", "designer", "reviewer", "finance"],
  /** Alert rules (error rate, generation time, review backlog, spend rate) and their events. */
  "alerts.manage": ["admin"],
  /** Kill switches (uploads, all generation), endpoint health and failover targets (lib/operations). */
  "operations.manage": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** The console's areas; the navigation shows those the role may use. */
export const AREAS = [
  { href: "/", label: "Home", permission: "console.view", description: "Your start page." },
  {
    href: "/generate",
    label: "Generate",
    permission: "generations.create",
    description: "Pick a template and a tier, fill its variables or upload a CSV, see the estimate, queue.",
  },
  {
    href: "/jobs",
    label: "Jobs",
    permission: "batches.view",
    description: "Live progress of your batches, with thumbnails as images arrive; retry failed rows.",
  },
  {
    href: "/review",
    label: "Review",
    permission: "review.decide",
    description: "Assets waiting for a decision, oldest first: approve, request changes or reject, by keyboard.",
  },
  {
    href: "/assets",
    label: "Library",
    permission: "assets.view",
    description:
      "Every asset you may see, searchable by what made it and what happened to it; tag, collect, star, select in bulk.",
  },
  {
    href: "/costs",
    label: "Costs",
    permission: "costs.view",
    description:
      "Spend, cost per usable asset, reject and retry rates by model, tier, preset, campaign and user; budgets; CSV export.",
  },
  {
    href: "/budgets",
    label: "Budgets",
    permission: "budgets.manage",
    description: "Spend limits and image quotas per campaign, team or user; soft-limit alerts and stop-loss.",
  },
  {
    href: "/uploads",
    label: "Uploads",
    permission: "uploads.view",
    description: "Reference images and brand assets, with renditions made in the background.",
  },
  {
    href: "/collections",
    label: "Collections",
    permission: "collections.use",
    description: "Boards of assets you put together, private or shared with your team.",
  },
  {
    href: "/exports",
    label: "Exports",
    permission: "exports.create",
    description:
      "Your ZIPs of approved assets in placement sizes and formats, with manifests: progress, held-back assets, downloads until they expire.",
  },
  {
    href: "/shares",
    label: "Share links",
    permission: "shares.create",
    description: "Links you made for people without an account: views, expiry, revoke.",
  },
  {
    href: "/developers",
    label: "Developers",
    permission: "api_tokens.manage",
    description:
      "API tokens for your own scripts and integrations (service accounts for admins), webhooks, and the API reference.",
  },
  {
    href: "/admin/users",
    label: "Users",
    permission: "users.manage",
    description: "Create users, change roles, deactivate accounts.",
  },
  {
    href: "/admin/presets",
    label: "Presets",
    permission: "catalog.manage",
    description: "Tier presets: model, LoRAs, parameters, price, check thresholds — versioned, with rollback.",
  },
  {
    href: "/admin/templates",
    label: "Templates",
    permission: "catalog.manage",
    description: "Prompt templates: locked style tokens, negative prompt, typed variables — versioned, with rollback.",
  },
  {
    href: "/admin/providers",
    label: "GPU endpoints",
    permission: "providers.manage",
    description: "The GPU endpoints Kiln calls; pause one and its work waits, or move it to another preset.",
  },
  {
    href: "/admin/operations",
    label: "Operations",
    permission: "operations.manage",
    description:
      "Kill switches (uploads, all generation), endpoint health and automatic failover, campaigns paused by hand.",
  },
  {
    href: "/admin/editing",
    label: "Editor engines",
    permission: "editing.manage",
    description:
      "Which engine erases, upscales and removes backgrounds: the GPU endpoint or a local CPU model, and its price.",
  },
  {
    href: "/admin/placements",
    label: "Placements",
    permission: "delivery.manage",
    description:
      "The sizes delivered per channel (Meta, Google Display, TikTok, your own): crop, safe zone for text, default format and quality.",
  },
  {
    href: "/admin/alt-text",
    label: "Alt text",
    permission: "delivery.manage",
    description:
      "Which engine drafts alt text for approved assets (A1111 interrogate, OpenAI vision, Replicate captioning) before a person confirms it.",
  },
  {
    href: "/admin/banned-terms",
    label: "Banned terms",
    permission: "policy.manage",
    description: "Words no prompt may contain, by category; checked before any GPU time.",
  },
  {
    href: "/admin/reject-reasons",
    label: "Reject reasons",
    permission: "policy.manage",
    description: "The reasons reviewers pick from when they reject an asset.",
  },
  {
    href: "/admin/tags",
    label: "Tags",
    permission: "tags.curate",
    description: "The curated tags the library suggests first: create, rename, delete, with how often each is used.",
  },
  {
    href: "/admin/checks",
    label: "Checks",
    permission: "checks.manage",
    description: "The automated checks: thresholds per preset with a preview of what would change, and re-checks.",
  },
  {
    href: "/admin/alerts",
    label: "Alerts",
    permission: "alerts.manage",
    description:
      "Rules that warn admins in the app, by webhook and by e-mail: endpoint error rate, generation time, review backlog, spend rate.",
  },
  {
    href: "/admin/runs",
    label: "Runs",
    permission: "runs.manage",
    description: "Background function runs: steps, output, errors; cancel or replay.",
  },
  {
    href: "/admin/audit",
    label: "Audit log",
    permission: "audit.view",
    description: "Every sign-in and change, on a verifiable hash chain.",
  },
] as const satisfies readonly { href: string; label: string; permission: Permission; description: string }[];

export function areasFor(role: Role) {
  return AREAS.filter((a) => can(role, a.permission));
}
