import { eq, max } from "drizzle-orm";
import type { Tx } from "@/db";
import { assets, assetVersions, type AssetVersion } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { startCheckRun } from "@/lib/checks/start-run";
import { AppError } from "@/lib/errors";
import { refreshAssetSearch } from "@/lib/library/refresh";

/**
 * Whether a new version (an edit, a restore) becomes the asset's current version at once. Only draft
 * work, which is never reviewed: elsewhere the new version stays with the designer (checked, not in
 * review, the current version — approved or not — untouched) until they send it (sendToReview,
 * decision 0028).
 */
export function newVersionBecomesCurrent(tier: string): boolean {
  return tier === "draft";
}

/**
 * A new version of an asset (an edit, or a restore): never overwrites the original, and always gets
 * a check run. With `makeCurrent` (draft work, see newVersionBecomesCurrent) the asset moves to it
 * and goes back through the checks; without, the asset, its status, approval and decisions stay as
 * they are and the version waits for the designer to send it to review. Returns the version and its
 * check run; the caller sends kiln/check.requested after commit.
 */
export async function addAssetVersion(
  tx: Tx,
  input: {
    assetId: string;
    operation: string;
    blobKey: string;
    width: number;
    height: number;
    createdBy: string | null;
    parentVersionId?: string | null;
    /** Point the asset at the new version (status "checking", approval cleared); see newVersionBecomesCurrent. */
    makeCurrent?: boolean;
  },
): Promise<{ version: AssetVersion; checkRunId: string }> {
  const [asset] = await tx.select().from(assets).where(eq(assets.id, input.assetId)).limit(1).for("update");
  if (!asset) throw new AppError("not_found", "That asset does not exist.");
  const [last] = await tx
    .select({ n: max(assetVersions.number) })
    .from(assetVersions)
    .where(eq(assetVersions.assetId, asset.id));
  const [version] = await tx
    .insert(assetVersions)
    .values({
      assetId: asset.id,
      number: (last?.n ?? 0) + 1,
      parentVersionId: input.parentVersionId ?? asset.currentVersionId,
      operation: input.operation,
      blobKey: input.blobKey,
      width: input.width,
      height: input.height,
      createdBy: input.createdBy,
    })
    .returning();
  const makeCurrent = input.makeCurrent ?? true;
  if (makeCurrent)
    await tx
      .update(assets)
      .set({
        currentVersionId: version!.id,
        status: "checking",
        statusReason: null,
        approvalId: null,
        approvedAt: null,
        rejectedAt: null,
        enteredReviewAt: null,
        updatedAt: new Date(),
      })
      .where(eq(assets.id, asset.id));
  const run = await startCheckRun(tx, { assetVersionId: version!.id, trigger: "edited", requestedBy: input.createdBy });
  // The library: new size, status "checking", the edit's cost (its ledger row is already written).
  await refreshAssetSearch(tx, [asset.id]);
  await recordAudit({
    db: tx,
    input: {
      actor: null,
      action: "asset.version_added",
      subject: { type: "asset", id: asset.id },
      data: {
        version: version!.number,
        operation: input.operation,
        previousStatus: asset.status,
        by: input.createdBy,
        current: makeCurrent,
      },
    },
  });
  return { version: version!, checkRunId: run.id };
}
