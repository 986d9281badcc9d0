import { createHash } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import {
  assets,
  assetVersions,
  bannedTerms,
  batches,
  generations,
  presets,
  presetVersions,
  providers,
  templates,
  templateVersions,
  type Asset,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { costOfCall } from "@/lib/costs/estimate";
import { generateAsset } from "@/lib/editing/testing";
import { readAll } from "@/lib/images/renditions";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { estimateRerun, rerunAsset } from "./rerun-asset";
import { runGeneration } from "./run-generation";

let database: Database;
let sim: RunningSimulator;
let designer: ReturnType<typeof ctxFor>;
let origin: Asset;
let keyN = 0;
const key = () => `rerun-test-${++keyN}-${Date.now()}`;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  await seedCatalog({ db: db(), simulatorUrl: sim.url });
  designer = ctxFor(db(), await createUserFactory(db(), { role: "designer" }));
  origin = (await generateAsset(db(), designer, "support")).asset;
}, 120_000);
afterAll(async () => {
  await sim.close();
  await database.close();
});

async function genOf(asset: Pick<Asset, "generationId">) {
  const [g] = await db().select().from(generations).where(eq(generations.id, asset.generationId!));
  return g!;
}

async function imageHash(assetId: string): Promise<string> {
  const [v] = await db().select().from(assetVersions).where(eq(assetVersions.assetId, assetId));
  const obj = await getBlobStore().get(v!.blobKey);
  return createHash("sha256")
    .update(await readAll(obj!.body))
    .digest("hex");
}

/** A newer active version of the origin's preset (more steps) and template (another body): a rerun must not use them. */
async function activateNewerVersions() {
  const gen = await genOf(origin);
  const [pv] = await db().select().from(presetVersions).where(eq(presetVersions.id, gen.presetVersionId));
  const { id: _pid, createdAt: _pc, ...presetRest } = pv!;
  const [nextPreset] = await db()
    .insert(presetVersions)
    .values({
      ...presetRest,
      version: pv!.version + 1,
      params: { ...pv!.params, steps: pv!.params.steps + 7 },
      note: "newer",
    })
    .returning();
  await db().update(presets).set({ activeVersionId: nextPreset!.id }).where(eq(presets.id, pv!.presetId));
  const [tv] = await db().select().from(templateVersions).where(eq(templateVersions.id, gen.templateVersionId));
  const { id: _tid, createdAt: _tc, ...templateRest } = tv!;
  const [nextTemplate] = await db()
    .insert(templateVersions)
    .values({
      ...templateRest,
      version: tv!.version + 1,
      definition: { ...tv!.definition, body: `${tv!.definition.body}, newer wording` },
    })
    .returning();
  await db().update(templates).set({ activeVersionId: nextTemplate!.id }).where(eq(templates.id, tv!.templateId));
  return { presetVersion: pv!, templateVersion: tv!, nextPreset: nextPreset!, nextTemplate: nextTemplate! };
}

describe("rerun exactly", () => {
  it("estimates first: the versions that made it (naming the newer active ones), size, seed and cost", async () => {
    const gen = await genOf(origin);
    const { presetVersion, templateVersion, nextPreset, nextTemplate } = await activateNewerVersions();
    const [provider] = await db().select().from(providers).where(eq(providers.id, presetVersion.providerId));
    const e = await estimateRerun({ ctx: designer, input: { assetId: origin.id } });
    expect(e.preset).toMatch(new RegExp(`v${presetVersion.version} \\(active is v${nextPreset.version}\\)$`));
    expect(e.template).toMatch(new RegExp(`v${templateVersion.version} \\(active is v${nextTemplate.version}\\)$`));
    expect(e).toMatchObject({ size: `${gen.width}×${gen.height}`, seed: gen.seed, blocker: null, warning: null });
    expect(e.estimate).toMatchObject({
      images: 1,
      micros: costOfCall(presetVersion.priceModel, { width: gen.width, height: gen.height }),
    });
    expect(provider!.paused).toBe(false);
  });

  it("queues the origin's template and preset versions, values, title, size and seed — the same picture — linked both ways", async () => {
    const gen = await genOf(origin);
    const out = await rerunAsset({ ctx: designer, input: { assetId: origin.id, seed: "same", idempotencyKey: key() } });
    expect(out.created).toBe(true);
    const [batch] = await db().select().from(batches).where(eq(batches.id, out.batch.id));
    expect(batch).toMatchObject({
      source: "rerun",
      total: 1,
      templateVersionId: gen.templateVersionId,
      ownerId: designer.actor.id,
    });
    const [rerun] = await db().select().from(generations).where(eq(generations.batchId, out.batch.id));
    expect(rerun).toMatchObject({
      id: out.generationId,
      presetVersionId: gen.presetVersionId,
      templateVersionId: gen.templateVersionId,
      values: gen.values,
      carriedColumns: gen.carriedColumns,
      title: gen.title,
      prompt: gen.prompt,
      negativePrompt: gen.negativePrompt,
      seed: gen.seed,
      width: gen.width,
      height: gen.height,
      originAssetId: origin.id,
      status: "queued",
    });

    const run = await runGeneration({ db: db(), store: getBlobStore(), generationId: rerun!.id, attempt: 0 });
    expect(run.status).toBe("succeeded");
    const [made] = await db().select().from(assets).where(eq(assets.generationId, rerun!.id));
    expect(made).toMatchObject({ originAssetId: origin.id, presetVersionId: gen.presetVersionId });
    // Same versions, values, size and seed on the deterministic simulator: the same image.
    expect(await imageHash(made!.id)).toBe(await imageHash(origin.id));

    const child = await getAssetDetail({ ctx: designer, assetId: made!.id });
    expect(child.rerun.origin).toMatchObject({ id: origin.id });
    const parent = await getAssetDetail({ ctx: designer, assetId: origin.id });
    expect(parent.rerun.reruns.map((r) => r.id)).toContain(made!.id);
  });

  it("a new seed changes only the seed", async () => {
    const gen = await genOf(origin);
    const out = await rerunAsset({ ctx: designer, input: { assetId: origin.id, seed: "new", idempotencyKey: key() } });
    const [rerun] = await db().select().from(generations).where(eq(generations.id, out.generationId));
    expect(rerun!.seed).not.toBe(gen.seed);
    expect(rerun).toMatchObject({
      presetVersionId: gen.presetVersionId,
      templateVersionId: gen.templateVersionId,
      values: gen.values,
      prompt: gen.prompt,
    });
  });

  it("queues once per idempotency key", async () => {
    const k = key();
    const first = await rerunAsset({ ctx: designer, input: { assetId: origin.id, seed: "new", idempotencyKey: k } });
    const again = await rerunAsset({ ctx: designer, input: { assetId: origin.id, seed: "new", idempotencyKey: k } });
    expect(again).toMatchObject({ created: false, batch: { id: first.batch.id }, generationId: first.generationId });
    const [n] = await db().select({ n: count() }).from(generations).where(eq(generations.batchId, first.batch.id));
    expect(n!.n).toBe(1);
  });

  it("needs generations.create and an asset the actor may see; uploads cannot be rerun", async () => {
    const other = ctxFor(db(), await createUserFactory(db(), { role: "designer" }));
    await expect(
      rerunAsset({ ctx: other, input: { assetId: origin.id, idempotencyKey: key() } }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(estimateRerun({ ctx: other, input: { assetId: origin.id } })).rejects.toMatchObject({
      code: "not_found",
    });
    const reviewer = ctxFor(db(), await createUserFactory(db(), { role: "reviewer" }));
    await expect(
      rerunAsset({ ctx: reviewer, input: { assetId: origin.id, idempotencyKey: key() } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const admin = ctxFor(db(), await createUserFactory(db(), { role: "admin" }));
    const byAdmin = await rerunAsset({ ctx: admin, input: { assetId: origin.id, idempotencyKey: key() } });
    expect(byAdmin.created).toBe(true);
  });

  it("says so when the endpoint is paused (queued, waits) and refuses a prompt that is banned today", async () => {
    const gen = await genOf(origin);
    const [pv] = await db().select().from(presetVersions).where(eq(presetVersions.id, gen.presetVersionId));
    await db()
      .update(providers)
      .set({ paused: true, pausedReason: "maintenance" })
      .where(eq(providers.id, pv!.providerId));
    try {
      const e = await estimateRerun({ ctx: designer, input: { assetId: origin.id } });
      expect(e.warning).toMatch(/paused by an admin \(maintenance\)/);
    } finally {
      await db().update(providers).set({ paused: false, pausedReason: null }).where(eq(providers.id, pv!.providerId));
    }
    const word = gen.prompt.split(/\W+/).find((w) => w.length > 4)!;
    await db().insert(bannedTerms).values({ term: word, category: "brand" });
    try {
      await expect(
        rerunAsset({ ctx: designer, input: { assetId: origin.id, idempotencyKey: key() } }),
      ).rejects.toMatchObject({ code: "policy_blocked" });
    } finally {
      await db().delete(bannedTerms).where(eq(bannedTerms.term, word));
    }
  });
});
