import { eq } from "drizzle-orm";
import type { Tx } from "@/db";
import { assets, assetVersions, type Generation } from "@/db/schema";
import { firstVersionAndRun } from "@/lib/assets/first-version-run";
import { startCheckRun } from "@/lib/checks/start-run";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { assetTitle } from "./title";

/**
 * A succeeded generation becomes an asset with version 1 and a check run, in the generation's own
 * success transaction. Idempotent: a repeated success (a retried step) finds the asset and its run.
 */
export async function createAssetFromGeneration(
  tx: Tx,
  { gen, blobKey, width, height }: { gen: Generation; blobKey: string; width: number; height: number },
): Promise<{ assetId: string; assetVersionId: string; checkRunId: string }> {
  const [created] = await tx
    .insert(assets)
    .values({
      generationId: gen.id,
      batchId: gen.batchId,
      ownerId: gen.ownerId,
      tier: gen.tier,
      presetVersionId: gen.presetVersionId,
      // The generation's title (the template's pattern over the row), or "Row 3, variant 1"; and its carried CSV columns.
      title: assetTitle({ title: gen.title, line: gen.rowLine, variant: gen.variantIndex }),
      metadata: gen.carriedColumns ?? {},
      // An exact rerun links back to the asset it reran.
      originAssetId: gen.originAssetId,
    })
    .onConflictDoNothing({ target: assets.generationId })
    .returning();
  if (!created) return firstVersionAndRun(tx, eq(assets.generationId, gen.id));
  const [version] = await tx
    .insert(assetVersions)
    .values({ assetId: created.id, number: 1, operation: "generate", blobKey, width, height })
    .returning();
  await tx.update(assets).set({ currentVersionId: version!.id }).where(eq(assets.id, created.id));
  const run = await startCheckRun(tx, { assetVersionId: version!.id, trigger: "generated" });
  // The library finds it from the moment it exists (status "checking").
  await refreshAssetSearch(tx, [created.id]);
  return { assetId: created.id, assetVersionId: version!.id, checkRunId: run.id };
}
