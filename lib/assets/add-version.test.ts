import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, checkRuns, reviewDecisions } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { shutdownModelChecks } from "@/lib/checks/models";
import { checkSteps } from "@/lib/checks/registry";
import { runChecks } from "@/lib/checks/run-checks";
import { decideAsset } from "@/lib/review/decide";
import { createAssetInReview } from "@/lib/review/testing";
import { getBlobStore } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { addAssetVersion } from "./add-version";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
}, 60_000);
afterAll(async () => {
  await shutdownModelChecks();
  await database.close();
});

describe("a new version of an approved asset made current (makeCurrent, as for draft work)", () => {
  it("needs review again: approval cleared, checks re-run, a decision on the old version refused, the new one decided afresh", async () => {
    const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const reviewer = ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer" }));
    const { asset, version: v1 } = await createAssetInReview(database.db, {
      ownerId: designer.actor.id,
      tier: "support",
    });
    const first = await decideAsset({
      ctx: reviewer,
      input: { assetId: asset.id, assetVersionId: v1.id, decision: "approve" },
    });
    expect(first.status).toBe("approved");
    const [approved] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(approved!.approvedAt).toBeInstanceOf(Date);

    // The edit: a real image in storage, as the editor will write it.
    const key = `assets/${asset.id}/v2.png`;
    await getBlobStore().put(
      key,
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#808080" } })
        .png()
        .toBuffer(),
      { contentType: "image/png" },
    );
    const { version: v2, checkRunId } = await database.db.transaction((tx) =>
      addAssetVersion(tx, {
        assetId: asset.id,
        operation: "upscale",
        blobKey: key,
        width: 64,
        height: 64,
        createdBy: designer.actor.id,
      }),
    );
    expect(v2).toMatchObject({ number: 2, parentVersionId: v1.id, operation: "upscale" });
    const [afterEdit] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(afterEdit).toMatchObject({
      status: "checking",
      approvalId: null,
      approvedAt: null,
      rejectedAt: null,
      currentVersionId: v2.id,
    });
    const [run] = await database.db.select().from(checkRuns).where(eq(checkRuns.id, checkRunId));
    expect(run).toMatchObject({ assetVersionId: v2.id, trigger: "edited" });

    // The checks decide the new version (a flat grey square: blank, wrong size → rejected, not re-rolled).
    for (const step of checkSteps("support"))
      await runChecks({ db: database.db, store: getBlobStore(), checkRunId, checkIds: step.checkIds });
    const decided = await decideCheckRun({ db: database.db, checkRunId });
    expect(decided.decision.next).toBe("rejected");
    const [rejected] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(rejected).toMatchObject({ status: "rejected", approvedAt: null, rejectedAt: expect.any(Date) });
    expect(decided.reroll).toBeNull();

    // Put it back in review as a person would see it after a recheck, then: the old version is stale.
    await database.db.update(assets).set({ status: "in_review" }).where(eq(assets.id, asset.id));
    await expect(
      decideAsset({ ctx: reviewer, input: { assetId: asset.id, assetVersionId: v1.id, decision: "approve" } }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("newer version"),
    });
    const again = await decideAsset({
      ctx: reviewer,
      input: { assetId: asset.id, assetVersionId: v2.id, decision: "approve" },
    });
    expect(again.status).toBe("approved");
    const [reapproved] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(reapproved).toMatchObject({ approvedAt: expect.any(Date), rejectedAt: null });
    const decisions = await database.db.select().from(reviewDecisions).where(eq(reviewDecisions.assetId, asset.id));
    expect(decisions.map((d) => d.assetVersionId).sort()).toEqual([v1.id, v2.id].sort());
    expect(new Set(decisions.map((d) => d.approvalId)).size).toBe(2);
  });
});
