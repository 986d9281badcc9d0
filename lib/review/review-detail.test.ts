import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { checkResults, checkRuns, costLedger, type User } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { decideAsset } from "./decide";
import { getReviewDetail } from "./review-detail";
import { addAssetVersion, createAssetInReview } from "./testing";

type TestCtx = ReturnType<typeof ctxFor>;

let database: Database;
let quinn: TestCtx;
let other: TestCtx;
let rita: TestCtx;
let ben: TestCtx;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: User["role"], name: string) =>
    ctxFor(database.db, await createUserFactory(database.db, { role, name }));
  quinn = await user("designer", "Quinn Designer");
  other = await user("designer", "Olive Designer");
  rita = await user("reviewer", "Rita Reviewer");
  ben = await user("reviewer", "Ben Reviewer");
}, 120_000);

afterAll(async () => {
  await database?.close();
});

/** The asset page's values of the fields the review page shows. */
async function assetPageFields(ctx: TestCtx, assetId: string) {
  const d = await getAssetDetail({ ctx, assetId });
  return {
    id: d.id,
    version: { number: d.version.number },
    provenance: d.provenance,
    upload: d.upload,
    spentMicros: d.spentMicros,
    reroll: d.reroll ? { depth: d.reroll.depth } : null,
    review: { decisions: d.review.decisions },
    checks: { results: d.checks.results },
  };
}

describe("getReviewDetail", () => {
  it("shows what the asset page shows of the newest run, provenance, cost, version and decisions", async () => {
    const f = await createAssetInReview(database.db, { ownerId: quinn.actor.id, tier: "hero" });
    // An older run of the first version, then an edit whose newest run has results.
    const v2 = await addAssetVersion(database.db, f.asset.id);
    const [older] = await database.db
      .insert(checkRuns)
      .values({
        assetVersionId: v2.id,
        trigger: "edited",
        thresholds: {},
        status: "decided",
        verdict: "pass",
        createdAt: new Date(Date.now() - 60_000),
      })
      .returning();
    const [newest] = await database.db
      .insert(checkRuns)
      .values({
        assetVersionId: v2.id,
        trigger: "edited",
        thresholds: {},
        status: "decided",
        verdict: "warn",
        reasonCode: "text_detected",
      })
      .returning();
    await database.db.insert(checkResults).values([
      { checkRunId: older!.id, checkId: "sharpness", checkVersion: 1, verdict: "fail", detail: "old", durationMs: 1 },
      { checkRunId: newest!.id, checkId: "sharpness", checkVersion: 1, verdict: "pass", detail: "ok", durationMs: 3 },
      {
        checkRunId: newest!.id,
        checkId: "text",
        checkVersion: 1,
        verdict: "warn",
        reasonCode: "text_detected",
        detail: "text",
        durationMs: 4,
      },
      {
        checkRunId: newest!.id,
        checkId: "nsfw",
        checkVersion: 1,
        verdict: "pass",
        detail: "ok",
        durationMs: 2,
        error: "model timed out",
      },
    ]);
    await database.db.insert(costLedger).values({
      callKey: `${f.asset.generationId}:generate:1`,
      generationId: f.asset.generationId,
      lineageRootId: f.asset.generationId,
      userId: quinn.actor.id,
      operation: "generate",
      outcome: "succeeded",
      billable: true,
      micros: 420_000,
      assetId: f.asset.id,
    });
    // A first approval of two (hero), so there is an earlier decision to show.
    await decideAsset({ ctx: rita, input: { assetId: f.asset.id, assetVersionId: v2.id, decision: "approve" } });

    const { compare, ...detail } = await getReviewDetail({ ctx: ben, assetId: f.asset.id });
    expect(detail).toEqual(await assetPageFields(ben, f.asset.id));
    // Nothing approved yet: the version it was made from is shown beside it, with what changed.
    expect(compare).toMatchObject({ number: 1, basis: "previous", approvalId: null, changes: ["v2 crop"] });
    expect(detail.version.number).toBe(2);
    expect(detail.spentMicros).toBe(420_000);
    expect(detail.checks.results.map((r) => r.detail).sort()).toEqual(["ok", "ok", "text"]);
    expect(detail.review.decisions).toMatchObject([
      { reviewer: "Rita Reviewer", decision: "approve", version: 2, undone: false },
    ]);
    expect(detail.provenance?.prompt).toBe("a ceramic mug on a wooden table");
  });

  it("has no results before any check run, and hides another designer's asset", async () => {
    const f = await createAssetInReview(database.db, { ownerId: quinn.actor.id, verdict: null });
    const { compare, ...detail } = await getReviewDetail({ ctx: rita, assetId: f.asset.id });
    expect(detail).toEqual(await assetPageFields(rita, f.asset.id));
    expect(compare).toBeNull();
    expect(detail.checks.results).toEqual([]);
    expect(detail.spentMicros).toBe(0);
    await expect(getReviewDetail({ ctx: other, assetId: f.asset.id })).rejects.toMatchObject({ code: "not_found" });
    expect((await getReviewDetail({ ctx: quinn, assetId: f.asset.id })).id).toBe(f.asset.id);
  });
});
