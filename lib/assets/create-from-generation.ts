import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Tx } from "@/db";
import { assets, assetVersions, type Generation } from "@/db/schema";
import { together } from "@/db/together";
import { firstVersionAndRun } from "@/lib/assets/first-version-run";
import { activePresetOverrides, insertCheckRun, thresholdsInForce } from "@/lib/checks/start-run";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { assetTitle } from "./title";

/**
 * A succeeded generation becomes an asset with version 1 and a check run, in the generation's own
 * success transaction. Idempotent: a repeated success (a retried step) finds the asset and its run.
 *
 * Two round trips (db/together.ts): the asset with the preset's check thresholds, then the version,
 * the asset's pointer to it, the run and the library's row together (the version's id is made here,
 * so nothing in the second trip waits on another's reply). Its first statements start at the call,
 * so the caller can send its own with them.
 */
export async function createAssetFromGeneration(
  tx: Tx,
  { gen, blobKey, width, height }: { gen: Generation; blobKey: string; width: number; height: number },
): Promise<{ assetId: string; assetVersionId: string; checkRunId: string }> {
  const [[created], overrides] = await together(
    tx
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
      .returning({ id: assets.id })
      .execute(),
    activePresetOverrides(tx, gen.presetVersionId),
  );
  if (!created) return firstVersionAndRun(tx, eq(assets.generationId, gen.id));
  const assetVersionId = randomUUID();
  const [, , run] = await together(
    tx
      .insert(assetVersions)
      .values({ id: assetVersionId, assetId: created.id, number: 1, operation: "generate", blobKey, width, height })
      .execute(),
    tx.update(assets).set({ currentVersionId: assetVersionId }).where(eq(assets.id, created.id)).execute(),
    insertCheckRun(tx, {
      assetVersionId,
      trigger: "generated",
      thresholds: thresholdsInForce({ tier: gen.tier, overrides }),
    }),
    // The library finds it from the moment it exists (status "checking").
    refreshAssetSearch(tx, [created.id]),
  );
  return { assetId: created.id, assetVersionId, checkRunId: run.id };
}
