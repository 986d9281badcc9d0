/**
 * Every code a person can see, with the words they see instead: one place, plain data, safe to import
 * from client components. Codes stay in data attributes, URLs, CSV exports and the API; pages show these.
 * The cost report's categories live beside their queries and are re-exported here.
 */
import type { AssetStatus } from "@/lib/checks/views";

export { OUTCOME_LABELS, PURPOSE_LABELS } from "@/lib/costs/report/labels";

export const ASSET_STATUS_LABEL: Record<AssetStatus, string> = {
  checking: "checking…",
  in_review: "in review",
  approved: "approved",
  rejected: "rejected",
  changes_requested: "changes requested",
};

export const BATCH_STATUS_LABEL: Record<string, string> = {
  queued: "queued",
  running: "running",
  completed: "completed",
  cancelled: "cancelled",
};

export const GENERATION_STATUS_LABEL: Record<string, string> = {
  queued: "queued",
  running: "running",
  succeeded: "done",
  dead_lettered: "failed",
  cancelled: "cancelled",
};

export const UPLOAD_STATUS_LABEL: Record<string, string> = {
  ready: "ready",
  failed: "failed",
  blocked: "blocked",
  processing: "processing",
  pending: "pending",
};

/** What made a version: the first one is generated or uploaded, later ones are the editor's operations. */
export const EDIT_OPERATION_LABEL: Record<string, string> = {
  generate: "Generated",
  upload: "Uploaded",
  erase: "Erase",
  upscale: "Upscale",
  remove_background: "Remove background",
  restore: "Restore",
};

export const DECISION_LABEL: Record<string, string> = {
  approve: "approved",
  approve_with_changes: "approved with changes",
  request_changes: "changes requested",
  reject: "rejected",
};

/**
 * What a designer's notification says a reviewer did ("Rita approved your asset with changes…"): an
 * approval with changes must not read like a plain approval, since the designer still has work to do.
 */
export const DECISION_NOTICE: Record<string, string> = {
  approve: "approved your asset",
  approve_with_changes: "approved your asset with changes",
  request_changes: "requested changes",
  reject: "rejected your asset",
};

export const VERDICT_LABEL: Record<string, string> = { pass: "passed", warn: "uncertain", fail: "failed" };

/** The reject-reason taxonomy every installation starts with (admins can add more; see lib/review/reasons.ts). */
export const SEED_REJECT_REASON_LABELS = {
  trademark_logo: "Trademark / logo",
  likeness_person: "Likeness / person",
  brand_guideline: "Brand guideline",
  regulated_claim: "Regulated claim",
  text_error: "Text error",
  anatomy_artefact: "Anatomy / artefact",
  nsfw_unsafe: "NSFW / unsafe",
  off_brief: "Off-brief",
  quality: "Quality",
  other: "Other",
} as const;

/** What the automated checks and the pipeline say when they reject or flag an image. */
const CHECK_REASON_LABELS: Record<string, string> = {
  nsfw: "Unsafe content",
  blur: "Blurred",
  blank: "Blank image",
  mostly_transparent: "Mostly transparent",
  garbled_text: "Garbled text",
  unwanted_text: "Unwanted text",
  text_detected: "Text in the image",
  check_error: "A check could not run",
  duplicate: "Near-duplicate",
  wrong_size: "Wrong size",
  underexposed: "Underexposed",
  overexposed: "Overexposed",
  low_contrast: "Low contrast",
  compression_artefacts: "Compression artefacts",
  color_cast: "Colour cast",
  off_style: "Off style",
  off_brand: "Off brand",
  no_checks: "No checks ran",
  looks_odd: "Looks odd",
  changes_requested: "Changes requested",
};

const REASON_LABELS: Record<string, string> = { ...CHECK_REASON_LABELS, ...SEED_REJECT_REASON_LABELS };

/** Why a generation failed for good (generations.error_code: a provider error kind or the run's own code). */
export const GENERATION_ERROR_LABEL: Record<string, string> = {
  provider_failed: "The GPU endpoint kept failing (retries used up)",
  transient: "The GPU endpoint failed",
  timeout: "The GPU endpoint timed out",
  unavailable: "The GPU endpoint was unavailable",
  content_filtered: "Refused by the endpoint's content filter",
  invalid_request: "The endpoint refused the request",
  auth: "The endpoint refused Kiln's credentials",
  budget_held: "Held by a budget for too long",
  provider_paused: "The GPU endpoint stayed paused",
  failed: "Failed",
};

/** "some_code" → "Some code": the last resort for a code no table knows (e.g. a reason an admin added later). */
export function humanizeCode(code: string): string {
  const words = code.replace(/[_-]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : code;
}

/** A reject or check reason in words; `extra` holds labels known at run time (an admin's own reasons). */
export function reasonLabel(code: string, extra?: Record<string, string>): string {
  return extra?.[code] ?? REASON_LABELS[code] ?? humanizeCode(code);
}

/** An asset's status reason, which may list several codes ("blur,duplicate"), in words. */
export function reasonsLabel(reason: string | null | undefined, extra?: Record<string, string>): string {
  if (!reason) return "";
  return reason
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => reasonLabel(c, extra))
    .join(", ");
}

/** "1 image", "3 images", "1 re-roll"; `many` for irregular plurals ("1 batch", "2 batches"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** A generation's error code in words (unknown codes humanized). */
export function generationErrorLabel(code: string | null | undefined): string {
  if (!code) return "Failed";
  return GENERATION_ERROR_LABEL[code] ?? humanizeCode(code);
}

/** An audit action ("user.role_changed") in words ("User: role changed"); the code stays beside it for filtering. */
export function auditActionLabel(action: string): string {
  const [domain = "", ...rest] = action.split(".");
  const what = rest.join(" ").replace(/[_-]+/g, " ").trim();
  return what ? `${humanizeCode(domain)}: ${what}` : humanizeCode(domain);
}
