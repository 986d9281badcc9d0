import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import {
  assets,
  assetVersions,
  auditEvents,
  batches,
  checkResults,
  checkRuns,
  costLedger,
  generations,
  presets,
  templates,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { runGeneration } from "@/lib/generation/run-generation";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { getActiveTemplate } from "@/lib/generation/catalog";
import { previewThresholds, saveThresholds } from "./admin";
import { decideCheckRun } from "./decide-run";
import { shutdownModelChecks } from "./models";
import { recheckAssets } from "./recheck";
import { checkSteps, getCheck } from "./registry";
import { runChecks } from "./run-checks";

let database: Database;
let sim: RunningSimulator;
let designer: ReturnType<typeof ctxFor>;
let admin: ReturnType<typeof ctxFor>;
let templateId: string;
let presetIds: Record<string, string>;
const store = () => getBlobStore();

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  templateId = product!.id;
  presetIds = Object.fromEntries((await listActivePresets(database.db)).map((p) => [p.preset.tier, p.preset.id]));
}, 120_000);
afterAll(async () => {
  await shutdownModelChecks();
  await sim.close();
  await database.close();
});

let keyCounter = 0;
async function queueOne(tier: "draft" | "support" | "hero") {
  const { version } = await getActiveTemplate(database.db, templateId);
  const out = await queueBatch({
    ctx: designer,
    input: {
      templateId,
      presetId: presetIds[tier],
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      rows: [{ line: 1, values: initialValuesFor(version.definition) }],
      idempotencyKey: `checks-test-${++keyCounter}-abcdef`,
    },
  });
  // A fixed seed: the simulator's picture for it is one the NSFW model scores as clearly safe
  // (its random pictures sometimes look "suggestive" to it, which would make a clean-image test flaky).
  const [gen] = await database.db
    .update(generations)
    .set({ seed: 1 })
    .where(eq(generations.batchId, out.batch.id))
    .returning();
  return gen!;
}

/** What the check-asset function does, step by step, in-process. */
async function checkAndDecide(checkRunId: string, tier: "draft" | "support" | "hero") {
  for (const step of checkSteps(tier))
    await runChecks({ db: database.db, store: store(), checkRunId, checkIds: step.checkIds });
  return decideCheckRun({ db: database.db, checkRunId });
}

async function generateAndCheck(generationId: string, tier: "draft" | "support" | "hero") {
  const out = await runGeneration({ db: database.db, store: store(), generationId, attempt: 0 });
  expect(out.status).toBe("succeeded");
  return { checkRunId: out.checkRunId!, ...(await checkAndDecide(out.checkRunId!, tier)) };
}

async function assetOf(generationId: string) {
  const [a] = await database.db.select().from(assets).where(eq(assets.generationId, generationId));
  return a!;
}

describe("a generated image goes through the checks", () => {
  it.each(["support", "hero"] as const)(
    "a clean %s image passes every check and waits for review, with its results stored",
    async (tier) => {
      const gen = await queueOne(tier);
      const { decision, reroll } = await generateAndCheck(gen.id, tier);
      const results = await database.db
        .select()
        .from(checkResults)
        .innerJoin(checkRuns, eq(checkRuns.id, checkResults.checkRunId))
        .innerJoin(assetVersions, eq(assetVersions.id, checkRuns.assetVersionId))
        .innerJoin(assets, eq(assets.id, assetVersions.assetId))
        .where(eq(assets.generationId, gen.id));
      expect(results.map((r) => r.check_results.checkId).sort()).toEqual(
        checkSteps(tier)
          .flatMap((s) => s.checkIds)
          .sort(),
      );
      expect(
        results
          .filter((r) => r.check_results.verdict !== "pass")
          .map((r) => `${r.check_results.checkId}: ${r.check_results.detail}`),
      ).toEqual([]);
      expect(decision).toMatchObject({ verdict: "pass", next: "in_review" });
      expect(reroll).toBeNull();
      const asset = await assetOf(gen.id);
      expect(asset).toMatchObject({ status: "in_review", approvedAt: null });
      expect(asset.enteredReviewAt).toBeInstanceOf(Date);
    },
  );

  it("a clean draft image runs the safety checks only and is approved without review", async () => {
    const gen = await queueOne("draft");
    const { decision } = await generateAndCheck(gen.id, "draft");
    expect(checkSteps("draft").flatMap((s) => s.checkIds)).toEqual(["nsfw"]);
    expect(decision).toMatchObject({ verdict: "pass", next: "approved" });
    const asset = await assetOf(gen.id);
    expect(asset.status).toBe("approved");
    expect(asset.approvedAt).toBeInstanceOf(Date);
  });
});

describe("a blurred image", () => {
  it("is rejected with reason blur and re-rolled with a new seed, billed and linked, until the preset's limit", async () => {
    sim.setConfig({ blurRate: 1 });
    try {
      const first = await queueOne("support");
      const chain = [first];
      for (let depth = 0; depth <= 2; depth++) {
        const gen = chain[depth]!;
        const { decision, reroll } = await generateAndCheck(gen.id, "support");
        // The blur is certain; the NSFW model may also flag a blurred picture (it is then listed first).
        expect(decision).toMatchObject({ verdict: "fail", next: "rejected" });
        expect(decision.reasons).toContain("blur");
        const rejected = await assetOf(gen.id);
        expect(rejected.statusReason).toContain("blur");
        expect(rejected.rejectedAt).toBeInstanceOf(Date);
        expect(rejected.approvedAt).toBeNull();
        if (depth < 2) {
          expect(reroll).not.toBeNull();
          const [child] = await database.db.select().from(generations).where(eq(generations.id, reroll!.generationId));
          expect(child).toMatchObject({
            rerollOf: gen.id,
            rerollDepth: depth + 1,
            status: "queued",
            prompt: gen.prompt,
            rowLine: gen.rowLine,
          });
          expect(child!.seed).not.toBe(gen.seed);
          chain.push(child!);
        } else {
          expect(reroll).toBeNull(); // support-standard allows two re-rolls
        }
      }
      const [batch] = await database.db.select().from(batches).where(eq(batches.id, first.batchId));
      expect(batch).toMatchObject({ total: 3, status: "completed" });
      const ledger = await database.db.select().from(costLedger).where(eq(costLedger.userId, designer.actor.id));
      expect(chain.every((g) => ledger.some((l) => l.generationId === g.id && l.billable && l.micros > 0))).toBe(true);
      // Every call of the lineage is attributed to its root, and says why it was made.
      const lineage = ledger.filter((l) => chain.some((g) => g.id === l.generationId));
      expect(lineage.every((l) => l.lineageRootId === first.id && l.batchId === first.batchId)).toBe(true);
      expect(lineage.filter((l) => l.generationId === first.id).map((l) => l.purpose)).toEqual(["first_attempt"]);
      expect(lineage.filter((l) => l.generationId !== first.id).every((l) => l.purpose === "reroll")).toBe(true);
      const children = await database.db
        .select()
        .from(generations)
        .where(
          inArray(
            generations.id,
            chain.slice(1).map((g) => g.id),
          ),
        );
      expect(children.map((c) => c.lineageRootId)).toEqual([first.id, first.id]);
      const [rerolls] = await database.db
        .select({ n: count() })
        .from(auditEvents)
        .where(eq(auditEvents.action, "generation.rerolled"));
      expect(rerolls!.n).toBe(2);
    } finally {
      sim.setConfig({ blurRate: 0 });
    }
  });

  it("deciding the same run twice changes nothing and re-rolls once", async () => {
    sim.setConfig({ blurRate: 1 });
    try {
      const gen = await queueOne("support");
      const { checkRunId, reroll } = await generateAndCheck(gen.id, "support");
      const again = await decideCheckRun({ db: database.db, checkRunId });
      expect(again.applied).toBe(false);
      expect(again.reroll?.generationId).toBe(reroll!.generationId);
      const children = await database.db.select().from(generations).where(eq(generations.rerollOf, gen.id));
      expect(children).toHaveLength(1);
    } finally {
      sim.setConfig({ blurRate: 0 });
    }
  });
});

describe("failing closed", () => {
  it("a check that throws sends the image to a person, naming the error", async () => {
    const exposure = getCheck("exposure")!;
    const spy = vi.spyOn(exposure, "run").mockRejectedValue(new Error("histogram exploded"));
    try {
      const gen = await queueOne("support");
      const { decision, checkRunId } = await generateAndCheck(gen.id, "support");
      expect(decision).toMatchObject({ verdict: "warn", reasonCode: "check_error", next: "in_review" });
      const [row] = await database.db
        .select()
        .from(checkResults)
        .where(and(eq(checkResults.checkRunId, checkRunId), eq(checkResults.checkId, "exposure")));
      expect(row).toMatchObject({ verdict: "warn", error: "histogram exploded" });
    } finally {
      spy.mockRestore();
    }
  });

  it("an image that cannot be decoded goes to a person, never approved, even on draft", async () => {
    const gen = await queueOne("draft");
    const out = await runGeneration({ db: database.db, store: store(), generationId: gen.id, attempt: 0 });
    const [version] = await database.db
      .select()
      .from(assetVersions)
      .innerJoin(assets, eq(assets.id, assetVersions.assetId))
      .where(eq(assets.generationId, gen.id));
    await store().put(version!.asset_versions.blobKey, Buffer.from("not an image at all"), {
      contentType: "image/png",
    });
    const { decision } = await checkAndDecide(out.checkRunId!, "draft");
    expect(decision).toMatchObject({ verdict: "warn", reasonCode: "check_error", next: "in_review" });
    expect((await assetOf(gen.id)).status).toBe("in_review");
  });

  it("a check whose step never stored a result counts as an error", async () => {
    const gen = await queueOne("draft");
    const out = await runGeneration({ db: database.db, store: store(), generationId: gen.id, attempt: 0 });
    const { decision } = await decideCheckRun({ db: database.db, checkRunId: out.checkRunId! });
    expect(decision.next).toBe("in_review");
  });
});

describe("thresholds and re-checks", () => {
  it("an admin previews new thresholds, saves them as a preset version, and a re-check applies them", async () => {
    sim.setConfig({ blurRate: 1 });
    const [preset] = await database.db.select().from(presets).where(eq(presets.id, presetIds.support!));
    let gen;
    try {
      gen = await queueOne("support");
      await generateAndCheck(gen.id, "support");
    } finally {
      sim.setConfig({ blurRate: 0 });
    }
    const asset = await assetOf(gen.id);
    expect(asset.status).toBe("rejected");
    // Loosen the thresholds of every check that failed the blurred image (sharpness, and whichever
    // others a blur trips), so the same image would now pass them.
    const failed = await database.db
      .select({ checkId: checkResults.checkId })
      .from(checkResults)
      .innerJoin(checkRuns, eq(checkRuns.id, checkResults.checkRunId))
      .innerJoin(assetVersions, eq(assetVersions.id, checkRuns.assetVersionId))
      .where(and(eq(assetVersions.assetId, asset.id), eq(checkResults.verdict, "fail")));
    expect(failed.map((f) => f.checkId)).toContain("sharpness");
    const LENIENT: Record<string, Record<string, number>> = {
      sharpness: { "sharpness.fail": 0, "sharpness.warn": 0 },
      nsfw: { "nsfw.fail": 1.01, "nsfw.warn": 1.01 },
      exposure: {
        "exposure.contrast_fail": 0,
        "exposure.contrast_warn": 0,
        "exposure.under_fail": 0,
        "exposure.under_warn": 0,
      },
      blank: { "blank.fail": 1.01, "blank.warn": 1.01 },
    };
    const lenient = Object.assign({}, ...failed.map((f) => LENIENT[f.checkId] ?? {})) as Record<string, number>;
    await expect(
      previewThresholds({ ctx: designer, input: { presetId: preset!.id, thresholds: lenient }, store: store() }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    const preview = await previewThresholds({
      ctx: admin,
      input: { presetId: preset!.id, thresholds: lenient },
      store: store(),
    });
    expect(preview.changedChecks).toEqual(expect.arrayContaining(["sharpness"]));
    expect(preview.changes.some((c) => c.assetId === asset.id && c.from === "fail")).toBe(true);

    await saveThresholds({ ctx: admin, input: { presetId: preset!.id, thresholds: lenient } });
    const sent: string[] = [];
    await expect(
      recheckAssets({ ctx: designer, input: { assetIds: [asset.id] }, send: async (ids) => void sent.push(...ids) }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    const { queued } = await recheckAssets({
      ctx: admin,
      input: { assetIds: [asset.id] },
      send: async (ids) => void sent.push(...ids),
    });
    expect(queued).toBe(1);
    expect((await assetOf(gen.id)).status).toBe("checking");
    const [run] = await database.db.select().from(checkRuns).where(eq(checkRuns.id, sent[0]!));
    expect(run!.thresholds["sharpness.fail"]).toBe(0);
    const { decision } = await checkAndDecide(sent[0]!, "support");
    expect(decision.next).not.toBe("rejected");
    expect((await assetOf(gen.id)).status).toBe("in_review");
    // A re-check never re-rolls: the first decision already did.
    expect(await database.db.select().from(generations).where(eq(generations.rerollOf, gen.id))).toHaveLength(1);
    await saveThresholds({ ctx: admin, input: { presetId: preset!.id, thresholds: {} } });
  });
});

describe("the asset page's data", () => {
  it("shows the owner the checks and provenance, and hides the asset from other designers", async () => {
    const gen = await queueOne("draft");
    await generateAndCheck(gen.id, "draft");
    const asset = await assetOf(gen.id);
    const detail = await getAssetDetail({ ctx: designer, assetId: asset.id });
    expect(detail.checks.results.map((r) => r.checkId)).toEqual(["nsfw"]);
    expect(detail.provenance).toMatchObject({ prompt: gen.prompt, seed: gen.seed, model: "kiln-sim-draft-v1" });
    expect(detail.spentMicros).toBe(2_000);
    const other = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    await expect(getAssetDetail({ ctx: other, assetId: asset.id })).rejects.toMatchObject({ code: "not_found" });
    const reviewer = ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer" }));
    expect((await getAssetDetail({ ctx: reviewer, assetId: asset.id })).id).toBe(asset.id);
  });
});
