import type { AssetVersion } from "@/db/schema";
import { EDIT_OPERATION_LABEL } from "@/lib/labels";
import { blobRouteUrl } from "@/lib/storage/keys";

type V = Pick<
  AssetVersion,
  "id" | "number" | "parentVersionId" | "operation" | "blobKey" | "renditions" | "width" | "height"
>;
type D = { version: number; approvalId: string | null; undone: boolean };

export type CompareView = {
  number: number;
  /** Why this one: the last version reviewers approved, else the one the version under review was made from. */
  basis: "last_approved" | "previous";
  approvalId: string | null;
  url: string;
  previewUrl: string | null;
  width: number;
  height: number;
  /** What was done from it to the version under review, oldest first ("Erase", "Upscale"). */
  changes: string[];
};

/**
 * The version the review page shows beside the one under review: the newest other version with a
 * standing approval (what the library delivered before), else its parent, else the version before it.
 * Null for a first version with nothing to compare.
 */
export function compareVersion(versions: V[], current: V, decisions: D[]): CompareView | null {
  const byNumber = new Map(versions.map((v) => [v.number, v]));
  const approved = decisions
    .filter((d) => d.approvalId && !d.undone && d.version !== current.number)
    .sort((a, b) => b.version - a.version)[0];
  const base = approved
    ? byNumber.get(approved.version)
    : (versions.find((v) => v.id === current.parentVersionId) ?? byNumber.get(current.number - 1));
  if (!base) return null;
  return {
    number: base.number,
    basis: approved ? "last_approved" : "previous",
    approvalId: approved?.approvalId ?? null,
    url: blobRouteUrl(base.blobKey),
    previewUrl: base.renditions.preview ? blobRouteUrl(base.renditions.preview.key) : null,
    width: base.width,
    height: base.height,
    changes: changesBetween(versions, base, current),
  };
}

/** The operations on the parent chain from `base` to `current` (oldest first); when `base` is not an ancestor, the whole chain from the original. */
export function changesBetween(versions: V[], base: V, current: V): string[] {
  const byId = new Map(versions.map((v) => [v.id, v]));
  const out: string[] = [];
  for (
    let v: V | undefined = current;
    v && v.id !== base.id;
    v = v.parentVersionId ? byId.get(v.parentVersionId) : undefined
  ) {
    if (v.number !== 1 || v.parentVersionId)
      out.unshift(`v${v.number} ${EDIT_OPERATION_LABEL[v.operation] ?? v.operation}`);
    if (out.length > 50) break;
  }
  return out;
}
