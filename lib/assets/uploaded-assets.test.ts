import { InngestTestEngine } from "@inngest/test";
import { and, count, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions, checkRuns, costLedger, generations, templates, uploads, type Asset } from "@/db/schema";
import { useDatabaseForTests } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { createRenditions } from "@/inngest/functions/uploads/create-renditions";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { shutdownModelChecks } from "@/lib/checks/models";
import { checkSteps } from "@/lib/checks/registry";
import { runChecks } from "@/lib/checks/run-checks";
import { getEditorView } from "@/lib/editing/editor-view";
import { closeEnginePools } from "@/lib/editing/engines/local";
import { requestEdit } from "@/lib/editing/request-edit";
import { runEdit } from "@/lib/editing/run-edit";
import { sendToReview } from "@/lib/editing/send-to-review";
import { recordingSender } from "@/lib/editing/testing";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { estimateBatch, queueBatch } from "@/lib/generation/queue-batch";
import { rerunAsset } from "@/lib/generation/rerun-asset";
import { runGeneration } from "@/lib/generation/run-generation";
import { getCostReport } from "@/lib/costs/report";
import { readAll } from "@/lib/images/renditions";
import { decideAsset } from "@/lib/review/decide";
import { listReviewQueue } from "@/lib/review/queue";
import { getBlobStore } from "@/lib/storage";
import { createUpload } from "@/lib/uploads/create-upload";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { getAssetDetail } from "./asset-detail";
import { backfillUploadAssets } from "./create-from-upload";

let database: Database;
let sim: RunningSimulator;
let designer: ReturnType<typeof ctxFor>;
let reviewer: ReturnType<typeof ctxFor>;
const db = () => database.db;
const store = () => getBlobStore();
let keyN = 0;
const key = () => `uploaded-asset-${++keyN}-${Date.now()}`;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  await seedCatalog({ db: db(), simulatorUrl: sim.url });
  designer = ctxFor(db(), await createUserFactory(db(), { role: "designer" }));
  reviewer = ctxFor(db(), await createUserFactory(db(), { role: "reviewer" }));
}, 120_000);
afterAll(async () => {
  await closeEnginePools();
  await shutdownModelChecks();
  await sim.close();
  await database.close();
});

/** The function's last step sends kiln/check.requested to the engine; here the test runs the checks itself. */
const checksRequested = { id: "request-checks", handler: () => ({ ids: ["test"] }) };

/** A flat colour: the quality checks call it blank, so it is rejected deterministically. */
const flat = (w: number, h: number, rgb = { r: 220, g: 120, b: 30 }) =>
  sharp({ create: { width: w, height: h, channels: 3, background: rgb } })
    .png()
    .toBuffer();

/** An upload made ready by the real renditions function (which now makes its asset). */
async function readyUpload(filename: string, bytes: Buffer) {
  const upload = await createUpload({
    ctx: designer,
    input: { filename, bytes },
    store: store(),
    maxBytes: 10 * 1024 * 1024,
    announce: async () => {},
  });
  const t = new InngestTestEngine({
    function: createRenditions,
    events: [{ name: "kiln/upload.created", data: { uploadId: upload.id } }],
  });
  const { result, error } = await t.execute({ steps: [checksRequested] });
  expect(error).toBeUndefined();
  const [asset] = await db().select().from(assets).where(eq(assets.uploadId, upload.id));
  expect(result).toMatchObject({ uploadId: upload.id, assetId: asset!.id });
  return { upload, asset: asset! };
}

async function checkAndDecide(asset: Asset) {
  const [run] = await db().select().from(checkRuns).where(eq(checkRuns.assetVersionId, asset.currentVersionId!));
  for (const step of checkSteps("support"))
    await runChecks({ db: db(), store: store(), checkRunId: run!.id, checkIds: step.checkIds });
  await decideCheckRun({ db: db(), checkRunId: run!.id });
  const [after] = await db().select().from(assets).where(eq(assets.id, asset.id));
  return after!;
}

describe("uploads are assets", () => {
  it("a ready upload becomes an asset (file name as title, the stored original as version 1, a check run), once", async () => {
    const { upload, asset } = await readyUpload("brand-swatch.png", await flat(640, 480));
    expect(asset).toMatchObject({
      source: "uploaded",
      title: "brand-swatch.png",
      ownerId: designer.actor.id,
      status: "checking",
      generationId: null,
      tier: null,
    });
    const [v1] = await db().select().from(assetVersions).where(eq(assetVersions.assetId, asset.id));
    const [row] = await db().select().from(uploads).where(eq(uploads.id, upload.id));
    expect(v1).toMatchObject({
      number: 1,
      operation: "upload",
      blobKey: upload.blobKey,
      width: 640,
      height: 480,
      renditions: row!.renditions,
    });
    const [run] = await db().select().from(checkRuns).where(eq(checkRuns.assetVersionId, v1!.id));
    expect(run).toMatchObject({ trigger: "uploaded", status: "running" });

    // The function again (a replayed step) and the start-up backfill find the same asset.
    const t = new InngestTestEngine({
      function: createRenditions,
      events: [{ name: "kiln/upload.created", data: { uploadId: upload.id } }],
    });
    expect((await t.execute({ steps: [checksRequested] })).error).toBeUndefined();
    await backfillUploadAssets(db());
    const [n] = await db().select({ n: count() }).from(assets).where(eq(assets.uploadId, upload.id));
    expect(n!.n).toBe(1);
  });

  it("backfills ready uploads from before uploads were assets, idempotently, and hands back their pending check runs", async () => {
    const upload = await createUpload({
      ctx: designer,
      input: { filename: "old.png", bytes: await flat(64, 64) },
      store: store(),
      maxBytes: 1 << 20,
      announce: async () => {},
    });
    await db().update(uploads).set({ status: "ready" }).where(eq(uploads.id, upload.id));
    const first = await backfillUploadAssets(db());
    expect(first.created).toBe(1);
    const [asset] = await db().select().from(assets).where(eq(assets.uploadId, upload.id));
    const [run] = await db()
      .select()
      .from(checkRuns)
      .innerJoin(assetVersions, eq(assetVersions.id, checkRuns.assetVersionId))
      .where(eq(assetVersions.assetId, asset!.id));
    expect(first.pendingCheckRuns).toContain(run!.check_runs.id);
    expect((await backfillUploadAssets(db())).created).toBe(0);
  });

  it("is checked like support work (never approved by the checks), sent to review by its owner, and decided by a reviewer", async () => {
    const { asset } = await readyUpload("flat.png", await flat(512, 512));
    const checked = await checkAndDecide(asset);
    expect(checked.status).toBe("rejected"); // a flat image: blank
    const detail = await getAssetDetail({ ctx: designer, assetId: asset.id });
    expect(detail).toMatchObject({
      source: "uploaded",
      title: "flat.png",
      provenance: null,
      batch: null,
      reroll: null,
      canRerun: false,
      spentMicros: 0,
    });
    expect(detail.upload).toMatchObject({ filename: "flat.png", by: designer.actor.name, width: 512, height: 512 });

    await sendToReview({ ctx: designer, input: { assetId: asset.id, versionNumber: 1 } });
    const queue = await listReviewQueue({ ctx: reviewer, input: {} });
    const item = queue.items.find((i) => i.assetId === asset.id);
    expect(item).toMatchObject({
      tier: "support",
      campaign: null,
      preset: "Uploaded image",
      prompt: "Uploaded image: flat.png",
    });
    expect(
      (await listReviewQueue({ ctx: reviewer, input: { tier: "support" } })).items.map((i) => i.assetId),
    ).toContain(asset.id);
    await decideAsset({
      ctx: reviewer,
      input: { assetId: asset.id, assetVersionId: item!.versionId, decision: "approve" },
    });
    const [approved] = await db().select().from(assets).where(eq(assets.id, asset.id));
    expect(approved).toMatchObject({ status: "approved" });
    expect(approved!.approvalId).toBeTruthy();
    // Finance's figures are about generated work: an approved (or rejected) upload moves neither count.
    const finance = ctxFor(db(), await createUserFactory(db(), { role: "finance" }));
    const report = await getCostReport({ ctx: finance, input: {} });
    expect(report.totals).toMatchObject({ approved: 0, rejected: 0 });
    await expect(
      rerunAsset({ ctx: designer, input: { assetId: asset.id, idempotencyKey: key() } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("opens in the editor: an upscale makes version 2, its cost is the asset's (no batch, no generation)", async () => {
    const { asset } = await readyUpload("logo.png", await flat(256, 256, { r: 10, g: 90, b: 200 }));
    const view = await getEditorView({ ctx: designer, assetId: asset.id });
    expect(view.asset).toMatchObject({ tier: "support", source: "uploaded", prompt: "" });
    const sender = recordingSender();
    const { edit } = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "upscale",
        sourceVersionNumber: 1,
        params: { scale: 2 },
        idempotencyKey: key(),
      },
      store: store(),
      send: sender,
    });
    const out = await runEdit({ db: db(), store: store(), editId: edit.id });
    expect(out.status).toBe("succeeded");
    const [v2] = await db()
      .select()
      .from(assetVersions)
      .where(and(eq(assetVersions.assetId, asset.id), eq(assetVersions.number, 2)));
    expect(v2).toMatchObject({ width: 512, height: 512, operation: "upscale" });
    const ledger = await db().select().from(costLedger).where(eq(costLedger.assetId, asset.id));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      purpose: "edit",
      generationId: null,
      batchId: null,
      lineageRootId: null,
      userId: designer.actor.id,
    });
    expect((await getAssetDetail({ ctx: designer, assetId: asset.id })).spentMicros).toBe(ledger[0]!.micros);
  });

  it("is a reference image: its bytes reach the simulator's img2img over HTTP, recorded on the generation, kept by a rerun", async () => {
    const { asset: reference } = await readyUpload("orange.png", await flat(512, 512, { r: 230, g: 110, b: 20 }));
    const [product] = await db().select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
    const { version } = await getActiveTemplate(db(), product!.id);
    const draft = (await listActivePresets(db())).find((p) => p.preset.tier === "draft")!;
    const request = {
      templateId: product!.id,
      presetId: draft.preset.id,
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      rows: [{ line: 1, values: initialValuesFor(version.definition) }],
      reference: { versionId: reference.currentVersionId!, strength: 0.1 },
    };
    const estimate = await estimateBatch({ ctx: designer, input: request });
    expect(estimate.reference).toMatchObject({
      versionId: reference.currentVersionId,
      assetId: reference.id,
      strength: 0.1,
    });
    // Another designer cannot start from this designer's upload.
    const other = ctxFor(db(), await createUserFactory(db(), { role: "designer" }));
    await expect(estimateBatch({ ctx: other, input: request })).rejects.toMatchObject({ code: "invalid_input" });

    const { batch } = await queueBatch({ ctx: designer, input: { ...request, idempotencyKey: key() } });
    const [gen] = await db().select().from(generations).where(eq(generations.batchId, batch.id));
    expect(gen!.referenceVersionId).toBe(reference.currentVersionId);
    const before = sim.stats().calls["/sdapi/v1/img2img"] ?? 0;
    const out = await runGeneration({ db: db(), store: store(), generationId: gen!.id, attempt: 0 });
    expect(out.status).toBe("succeeded");
    expect(sim.stats().calls["/sdapi/v1/img2img"]).toBe(before + 1);
    // Strength 0.1 keeps the reference: the picture stays orange.
    const [made] = await db().select().from(assets).where(eq(assets.generationId, gen!.id));
    const [v1] = await db().select().from(assetVersions).where(eq(assetVersions.assetId, made!.id));
    const { channels } = await sharp(await readAll((await store().get(v1!.blobKey))!.body)).stats();
    expect(channels[0]!.mean).toBeGreaterThan(170);
    expect(channels[2]!.mean).toBeLessThan(90);
    const [done] = await db().select().from(generations).where(eq(generations.id, gen!.id));
    expect(done!.metadata?.params.referenceStrength).toBe(0.1);
    const detail = await getAssetDetail({ ctx: designer, assetId: made!.id });
    expect(detail.provenance?.reference).toMatchObject({ assetId: reference.id, title: "orange.png", strength: 0.1 });

    const rerun = await rerunAsset({ ctx: designer, input: { assetId: made!.id, idempotencyKey: key() } });
    const [again] = await db().select().from(generations).where(eq(generations.id, rerun.generationId));
    expect(again!.referenceVersionId).toBe(reference.currentVersionId);
    await runGeneration({ db: db(), store: store(), generationId: again!.id, attempt: 0 });
    expect(sim.stats().calls["/sdapi/v1/img2img"]).toBe(before + 2);
  });
});
