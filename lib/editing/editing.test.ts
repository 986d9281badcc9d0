import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assetEdits, assets, assetVersions, auditEvents, checkRuns, costLedger, providers } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { shutdownModelChecks } from "@/lib/checks/models";
import { checkSteps } from "@/lib/checks/registry";
import { runChecks } from "@/lib/checks/run-checks";
import { readAll } from "@/lib/images/renditions";
import { sealProviderSecret } from "@/lib/providers/store";
import { sendJson, startFakeServer, type FakeServer } from "@/lib/providers/testing/fake-server";
import { decideAsset } from "@/lib/review/decide";
import { getReviewDetail } from "@/lib/review/review-detail";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { getEditorView } from "./editor-view";
import { closeEnginePools } from "./engines/local";
import { effectiveSettings } from "./registry";
import { requestEdit } from "./request-edit";
import { restoreVersion } from "./restore";
import { sendToReview } from "./send-to-review";
import { failEdit, runEdit } from "./run-edit";
import { setEditorEngine } from "./settings";
import { generateAsset, paintedMask, recordingSender } from "./testing";

let database: Database;
let sim: RunningSimulator;
let designer: ReturnType<typeof ctxFor>;
let otherDesigner: ReturnType<typeof ctxFor>;
let admin: ReturnType<typeof ctxFor>;
let reviewer: ReturnType<typeof ctxFor>;
let simulatorId: string;
const store = () => getBlobStore();
let keyN = 0;
const key = () => `editor-key-${++keyN}-${Date.now()}`;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  otherDesigner = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  reviewer = ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer" }));
  const [p] = await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG));
  simulatorId = p!.id;
}, 120_000);
afterAll(async () => {
  await closeEnginePools();
  await shutdownModelChecks();
  await sim.close();
  await database.close();
});
beforeEach(() => {
  sim.setConfig({ errorRate: 0, timeoutRate: 0, latencyMs: 0 });
});

async function bytesOf(blobKey: string): Promise<Buffer> {
  return readAll((await store().get(blobKey))!.body);
}
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
async function rgba(b: Buffer) {
  return sharp(b).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
}
async function ledgerOf(editId: string) {
  return database.db.select().from(costLedger).where(eq(costLedger.editId, editId)).orderBy(costLedger.id);
}
async function versionsOf(assetId: string) {
  return database.db
    .select()
    .from(assetVersions)
    .where(eq(assetVersions.assetId, assetId))
    .orderBy(assetVersions.number);
}

describe("erase, upscale, remove background and restore on the simulator (A1111 over HTTP)", () => {
  it("keeps every version with its lineage, engine, cost and mask; the original is never overwritten", async () => {
    const send = recordingSender();
    const { asset, v1 } = await generateAsset(database.db, designer);
    const original = sha(await bytesOf(v1.blobKey));
    const defaults = await effectiveSettings(database.db);
    expect(defaults.erase).toMatchObject({ engine: "a1111", providerId: simulatorId, isDefault: true });
    expect(defaults.remove_background).toMatchObject({ engine: "a1111", providerId: simulatorId });

    // Erase: a 96² square in the middle of the 512² draft.
    const rect = { left: 208, top: 208, width: 96, height: 96 };
    const queued = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "erase",
        sourceVersionNumber: 1,
        mask: await paintedMask(v1.width, v1.height, rect),
        idempotencyKey: key(),
      },
      store: store(),
      send,
    });
    expect(queued.created).toBe(true);
    expect(send.edits).toEqual([queued.edit.id]);
    expect(queued.edit).toMatchObject({
      status: "queued",
      engine: "a1111",
      providerId: simulatorId,
      operation: "erase",
    });
    expect(queued.edit.maskBlobKey).toMatch(new RegExp(`^assets/${asset.id}/masks/`));
    const out = await runEdit({ db: database.db, store: store(), editId: queued.edit.id });
    expect(out.status).toBe("succeeded");
    const [v1After, v2] = await versionsOf(asset.id);
    expect(v1After!.blobKey).toBe(v1.blobKey);
    expect(v2).toMatchObject({
      number: 2,
      operation: "erase",
      parentVersionId: v1.id,
      editId: queued.edit.id,
      width: 512,
      height: 512,
    });
    const [edit] = await database.db.select().from(assetEdits).where(eq(assetEdits.id, queued.edit.id));
    expect(edit).toMatchObject({ status: "succeeded", progress: 100, resultVersionId: v2!.id, costMicros: 3_000 });

    // The masked square changed; outside it (beyond the feather) the pixels are the original's.
    const before = await rgba(await bytesOf(v1.blobKey));
    const after = await rgba(await bytesOf(v2!.blobKey));
    let inside = 0;
    let outsideMax = 0;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 512; x++) {
        const i = (y * 512 + x) * 4;
        const d =
          Math.abs(before.data[i]! - after.data[i]!) +
          Math.abs(before.data[i + 1]! - after.data[i + 1]!) +
          Math.abs(before.data[i + 2]! - after.data[i + 2]!);
        const inRect =
          x >= rect.left + 6 && x < rect.left + rect.width - 6 && y >= rect.top + 6 && y < rect.top + rect.height - 6;
        const far =
          x < rect.left - 6 || x >= rect.left + rect.width + 6 || y < rect.top - 6 || y >= rect.top + rect.height + 6;
        if (inRect) inside += d;
        if (far) outsideMax = Math.max(outsideMax, d);
      }
    }
    expect(inside / (84 * 84)).toBeGreaterThan(3);
    expect(outsideMax).toBeLessThanOrEqual(3);

    // One ledger row for the one call, attributed to the asset's lineage.
    const rows = await ledgerOf(queued.edit.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      callKey: `${queued.edit.id}:edit:1`,
      purpose: "edit",
      assetId: asset.id,
      editId: queued.edit.id,
      batchId: asset.batchId,
      lineageRootId: asset.generationId,
      engine: "a1111",
      providerId: simulatorId,
      outcome: "succeeded",
      micros: 3_000,
      operation: "erase",
    });
    // The new version goes through the checks.
    const [run] = await database.db.select().from(checkRuns).where(eq(checkRuns.id, out.checkRunId!));
    expect(run).toMatchObject({ assetVersionId: v2!.id, trigger: "edited" });

    // Upscale 2× of version 2: twice the size, priced per megapixel of the result.
    const up = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "upscale",
        sourceVersionNumber: 2,
        params: { scale: 2 },
        idempotencyKey: key(),
      },
      store: store(),
      send,
    });
    await runEdit({ db: database.db, store: store(), editId: up.edit.id });
    const v3 = (await versionsOf(asset.id))[2]!;
    expect(v3).toMatchObject({ number: 3, operation: "upscale", parentVersionId: v2!.id, width: 1024, height: 1024 });
    expect(await sharp(await bytesOf(v3.blobKey)).metadata()).toMatchObject({
      width: 1024,
      height: 1024,
      format: "png",
    });
    expect((await ledgerOf(up.edit.id))[0]).toMatchObject({ micros: 1_049, engine: "a1111" }); // 1.048576 MP × $0.001

    // Remove the background: a real RGBA PNG, the border gone, the subject kept.
    const cut = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "remove_background",
        sourceVersionNumber: 3,
        params: { background: "transparent" },
        idempotencyKey: key(),
      },
      store: store(),
      send,
    });
    await runEdit({ db: database.db, store: store(), editId: cut.edit.id });
    const v4 = (await versionsOf(asset.id))[3]!;
    const cutBytes = await bytesOf(v4.blobKey);
    const meta = await sharp(cutBytes).metadata();
    expect(meta).toMatchObject({ format: "png", hasAlpha: true, width: 1024, height: 1024 });
    const px = await rgba(cutBytes);
    const alphaAt = (x: number, y: number) => px.data[(y * 1024 + x) * 4 + 3]!;
    expect(alphaAt(2, 2)).toBeLessThan(40);
    let opaque = 0;
    for (let i = 3; i < px.data.length; i += 4) if (px.data[i]! > 200) opaque++;
    expect(opaque / (1024 * 1024)).toBeGreaterThan(0.05);
    expect(opaque / (1024 * 1024)).toBeLessThan(0.95);

    // Restore version 1 as version 5: the same image, a new version, checks again.
    const restored = await restoreVersion({
      ctx: designer,
      input: { assetId: asset.id, versionNumber: 1, idempotencyKey: key() },
      send,
    });
    expect(restored.version!).toMatchObject({
      number: 5,
      operation: "restore",
      parentVersionId: v1.id,
      blobKey: v1.blobKey,
    });
    expect(send.checks).toHaveLength(1);
    const [a] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(a).toMatchObject({ currentVersionId: restored.version!.id, status: "checking" });
    expect(sha(await bytesOf(v1.blobKey))).toBe(original);
    await expect(
      restoreVersion({ ctx: designer, input: { assetId: asset.id, versionNumber: 5, idempotencyKey: key() }, send }),
    ).rejects.toMatchObject({
      code: "conflict",
    });

    // The editor's list: who, what, engine and cost per version.
    const view = await getEditorView({ ctx: designer, assetId: asset.id });
    expect(view.versions.map((v) => [v.number, v.operation, v.costMicros])).toEqual([
      [5, "restore", 0],
      [4, "remove_background", 2_000],
      [3, "upscale", 1_049],
      [2, "erase", 3_000],
      [1, "generate", 0],
    ]);
    expect(view.versions[1]!.engineLabel).toContain("a1111 on Kiln GPU simulator");
    expect(view.versions[3]!.maskUrl).toContain("/api/blobs/assets/");
  }, 120_000);

  it("flattens a cut-out onto a chosen colour when asked", async () => {
    const { asset } = await generateAsset(database.db, designer);
    const cut = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "remove_background",
        sourceVersionNumber: 1,
        params: { background: "#ff00ff" },
        idempotencyKey: key(),
      },
      store: store(),
      send: recordingSender(),
    });
    await runEdit({ db: database.db, store: store(), editId: cut.edit.id });
    const v2 = (await versionsOf(asset.id))[1]!;
    const bytes = await bytesOf(v2.blobKey);
    expect((await sharp(bytes).metadata()).hasAlpha).toBe(false);
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    // The corner was backdrop: now (nearly) the chosen colour, whatever the picture had there.
    expect(Math.abs(data[0]! - 255) + data[1]! + Math.abs(data[2]! - 255)).toBeLessThan(60);
  });
});

describe("an edit of an approved asset (decision 0028)", () => {
  it("stays with the designer until sent: the approved version stays current, the new one is checked, sending submits it", async () => {
    const { asset, v1 } = await generateAsset(database.db, designer, "support");
    const [run1] = await database.db.select().from(checkRuns).where(eq(checkRuns.assetVersionId, v1.id));
    for (const step of checkSteps("support"))
      await runChecks({ db: database.db, store: store(), checkRunId: run1!.id, checkIds: step.checkIds });
    expect((await decideCheckRun({ db: database.db, checkRunId: run1!.id })).decision.next).toBe("in_review");
    const approval = await decideAsset({
      ctx: reviewer,
      input: { assetId: asset.id, assetVersionId: v1.id, decision: "approve" },
    });
    expect(approval.status).toBe("approved");
    const [approved] = await database.db.select().from(assets).where(eq(assets.id, asset.id));

    const up = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "upscale",
        sourceVersionNumber: 1,
        params: { scale: 2 },
        idempotencyKey: key(),
      },
      store: store(),
      send: recordingSender(),
    });
    const out = await runEdit({ db: database.db, store: store(), editId: up.edit.id });
    // The asset is untouched: still approved, version 1 current and delivered, not in the review queue.
    const [edited] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(edited).toMatchObject({
      status: "approved",
      approvalId: approved!.approvalId,
      currentVersionId: v1.id,
      enteredReviewAt: approved!.enteredReviewAt,
    });
    // The new version is checked all the same; its verdict is recorded and moves nothing.
    const [run2] = await database.db.select().from(checkRuns).where(eq(checkRuns.id, out.checkRunId!));
    expect(run2).toMatchObject({ assetVersionId: out.versionId, trigger: "edited", status: "running" });
    const editorWhileChecking = await getEditorView({ ctx: designer, assetId: asset.id });
    expect(editorWhileChecking.versions.find((v) => v.number === 2)).toMatchObject({
      current: false,
      sendToReviewBlocked: expect.stringContaining("still running"),
    });
    for (const step of checkSteps("support"))
      await runChecks({ db: database.db, store: store(), checkRunId: out.checkRunId!, checkIds: step.checkIds });
    const decided = await decideCheckRun({ db: database.db, checkRunId: out.checkRunId! });
    expect(decided.applied).toBe(false);
    const [afterChecks] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(afterChecks).toMatchObject({ status: "approved", currentVersionId: v1.id });

    // The editor offers "Send to review" on version 2 (and says version 1 is already approved).
    const view = await getEditorView({ ctx: designer, assetId: asset.id });
    expect(view.versions.map((v) => [v.number, v.current, v.sendToReviewBlocked])).toEqual([
      [2, false, null],
      [1, true, "Already approved."],
    ]);
    await expect(sendToReview({ ctx: reviewer, input: { assetId: asset.id, versionNumber: 2 } })).rejects.toMatchObject(
      { code: "forbidden" },
    );

    const sent = await sendToReview({ ctx: designer, input: { assetId: asset.id, versionNumber: 2 } });
    expect(sent).toMatchObject({ status: "in_review", currentVersionId: out.versionId, approvalId: null });
    await expect(sendToReview({ ctx: designer, input: { assetId: asset.id, versionNumber: 2 } })).rejects.toMatchObject(
      { code: "conflict", message: "Already waiting for review." },
    );
    // The reviewer sees version 2 beside version 1, the last approved, and what changed.
    const detail = await getReviewDetail({ ctx: reviewer, assetId: asset.id });
    expect(detail.version.number).toBe(2);
    expect(detail.compare).toMatchObject({
      number: 1,
      basis: "last_approved",
      approvalId: approved!.approvalId,
      changes: ["v2 Upscale"],
    });
    // Version 1's decision history stays with version 1.
    expect(detail.review.decisions).toMatchObject([{ decision: "approve", version: 1, undone: false }]);
    const changes = await decideAsset({
      ctx: reviewer,
      input: { assetId: asset.id, assetVersionId: out.versionId, decision: "request_changes", comment: "Too soft." },
    });
    expect(changes.status).toBe("changes_requested");
    expect(
      (await getEditorView({ ctx: designer, assetId: asset.id })).versions.find((v) => v.number === 2),
    ).toMatchObject({ sendToReviewBlocked: expect.stringContaining("asked for changes") });

    // Sending an older version makes it current again and submits it (no copy: its decisions stay its own).
    const back = await sendToReview({ ctx: designer, input: { assetId: asset.id, versionNumber: 1 } });
    expect(back).toMatchObject({ status: "in_review", currentVersionId: v1.id, approvalId: null, statusReason: null });
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "asset.sent_to_review"));
    expect(audit.filter((a) => a.subjectId === asset.id).map((a) => a.data)).toMatchObject([
      { version: 2, previousStatus: "approved", withdrewApproval: true },
      { version: 1, previousStatus: "changes_requested", replacedVersionId: out.versionId },
    ]);
  }, 120_000);

  it("draft work is never reviewed: an edit becomes current at once and the checks decide it", async () => {
    const { asset } = await generateAsset(database.db, designer, "draft");
    const up = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "upscale",
        sourceVersionNumber: 1,
        params: { scale: 2 },
        idempotencyKey: key(),
      },
      store: store(),
      send: recordingSender(),
    });
    const out = await runEdit({ db: database.db, store: store(), editId: up.edit.id });
    const [edited] = await database.db.select().from(assets).where(eq(assets.id, asset.id));
    expect(edited).toMatchObject({ status: "checking", currentVersionId: out.versionId });
    await expect(sendToReview({ ctx: designer, input: { assetId: asset.id, versionNumber: 2 } })).rejects.toMatchObject(
      { code: "conflict", message: expect.stringContaining("not reviewed") },
    );
  }, 120_000);
});

describe("the cost ledger: one row per provider call", () => {
  it("records each failed attempt (not billed by A1111) and the success, each with its own call number", async () => {
    const { asset } = await generateAsset(database.db, designer);
    const up = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "upscale",
        sourceVersionNumber: 1,
        params: { scale: 2 },
        idempotencyKey: key(),
      },
      store: store(),
      send: recordingSender(),
    });
    sim.setConfig({ errorRate: 1 });
    for (let i = 0; i < 2; i++) {
      await expect(runEdit({ db: database.db, store: store(), editId: up.edit.id })).rejects.toMatchObject({
        kind: "transient",
        billable: false,
      });
    }
    sim.setConfig({ errorRate: 0 });
    await runEdit({ db: database.db, store: store(), editId: up.edit.id });
    const rows = await ledgerOf(up.edit.id);
    expect(rows.map((r) => [r.callKey.split(":").pop(), r.outcome, r.billable, r.micros, r.errorKind])).toEqual([
      ["1", "failed", false, 0, "transient"],
      ["2", "failed", false, 0, "transient"],
      ["3", "succeeded", true, 1_049, null],
    ]);
    // Re-running a finished edit calls nothing and writes nothing.
    expect((await runEdit({ db: database.db, store: store(), editId: up.edit.id })).status).toBe("already_done");
    expect(await ledgerOf(up.edit.id)).toHaveLength(3);
  });

  describe("a Stability endpoint chosen by the admin", () => {
    let fake: FakeServer;
    let stabilityId: string;
    beforeAll(async () => {
      fake = await startFakeServer();
      const [p] = await database.db
        .insert(providers)
        .values({
          slug: "stability-test",
          name: "Stability test",
          kind: "stability",
          baseUrl: fake.url,
          allowPrivate: true,
          secretCiphertext: sealProviderSecret("sk-test-0123456789"),
        })
        .returning();
      stabilityId = p!.id;
    });
    afterAll(async () => {
      await database.db
        .delete(providers)
        .where(eq(providers.id, stabilityId))
        .catch(() => undefined);
      await fake.close();
    });

    it("bills a filtered result (a failed billable call) once, and the edit fails with a reason the designer reads", async () => {
      const saved = await setEditorEngine({
        ctx: admin,
        input: {
          operation: "remove_background",
          engine: "stability",
          providerId: stabilityId,
          priceModel: { kind: "per_image", microsPerImage: 20_000 },
        },
      });
      expect(saved).toMatchObject({ engine: "stability", providerId: stabilityId, isDefault: false });
      fake.route("POST", "/v2beta/stable-image/edit/remove-background", (_req, res: ServerResponse) => {
        res.writeHead(200, { "content-type": "image/png", "finish-reason": "CONTENT_FILTERED", seed: "7" });
        res.end(Buffer.from("89504e470d0a1a0a", "hex"));
      });
      const { asset } = await generateAsset(database.db, designer);
      const cut = await requestEdit({
        ctx: designer,
        input: { assetId: asset.id, operation: "remove_background", sourceVersionNumber: 1, idempotencyKey: key() },
        store: store(),
        send: recordingSender(),
      });
      expect(cut.edit).toMatchObject({ engine: "stability", providerId: stabilityId });
      const error = await runEdit({ db: database.db, store: store(), editId: cut.edit.id }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "content_filtered", billable: true, retryable: false });
      const form = await fake.received("POST", "/v2beta/stable-image/edit/remove-background")[0]!.form();
      expect(form.get("output_format")).toBe("png");
      expect(fake.received("POST", "/v2beta/stable-image/edit/remove-background")[0]!.headers.authorization).toBe(
        "Bearer sk-test-0123456789",
      );
      expect(await ledgerOf(cut.edit.id)).toMatchObject([
        {
          outcome: "failed",
          billable: true,
          micros: 20_000,
          errorKind: "content_filtered",
          engine: "stability",
          providerId: stabilityId,
          purpose: "edit",
        },
      ]);
      const failed = await failEdit({
        db: database.db,
        editId: cut.edit.id,
        code: "content_filtered",
        detail: (error as Error).message,
      });
      expect(failed).toMatchObject({ status: "failed", errorCode: "content_filtered", costMicros: 20_000 });
      expect(failed!.errorMessage).toContain("safety filter");
      expect(await versionsOf(asset.id)).toHaveLength(1);
      await database.db
        .delete(assetEdits)
        .where(eq(assetEdits.providerId, stabilityId))
        .catch(() => undefined);
    });

    it("refuses an AUTOMATIC1111 endpoint without the rembg extension for background removal", async () => {
      fake.route("GET", "/openapi.json", (_req, res) =>
        sendJson(res, 200, { openapi: "3.1.0", paths: { "/sdapi/v1/txt2img": { post: {} } } }),
      );
      const [plain] = await database.db
        .insert(providers)
        .values({ slug: "a1111-plain", name: "Plain A1111", kind: "a1111", baseUrl: fake.url, allowPrivate: true })
        .returning();
      await expect(
        setEditorEngine({
          ctx: admin,
          input: { operation: "remove_background", engine: "a1111", providerId: plain!.id },
        }),
      ).rejects.toMatchObject({
        code: "invalid_input",
        message: expect.stringContaining("stable-diffusion-webui-rembg"),
      });
      // The simulator has it.
      await expect(
        setEditorEngine({
          ctx: admin,
          input: { operation: "remove_background", engine: "a1111", providerId: simulatorId },
        }),
      ).resolves.toMatchObject({
        engine: "a1111",
        providerId: simulatorId,
      });
      await database.db.delete(providers).where(eq(providers.id, plain!.id));
    });
  });
});

describe("engine selection from the admin's settings", () => {
  it("runs the local Lanczos engine when chosen: no provider, nothing billed, one ledger row", async () => {
    await setEditorEngine({ ctx: admin, input: { operation: "upscale", engine: "lanczos-local", providerId: null } });
    const { asset } = await generateAsset(database.db, designer);
    const up = await requestEdit({
      ctx: designer,
      input: {
        assetId: asset.id,
        operation: "upscale",
        sourceVersionNumber: 1,
        params: { scale: 4 },
        idempotencyKey: key(),
      },
      store: store(),
      send: recordingSender(),
    });
    expect(up.edit).toMatchObject({ engine: "lanczos-local", providerId: null });
    await runEdit({ db: database.db, store: store(), editId: up.edit.id });
    expect((await versionsOf(asset.id))[1]).toMatchObject({ width: 2048, height: 2048 });
    expect(await ledgerOf(up.edit.id)).toMatchObject([
      { engine: "lanczos-local", providerId: null, micros: 0, billable: false, outcome: "succeeded" },
    ]);
    const audits = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "editing.engine_set"));
    expect(audits.length).toBeGreaterThan(0);
    // Back to the simulator for the other tests.
    await setEditorEngine({
      ctx: admin,
      input: {
        operation: "upscale",
        engine: "a1111",
        providerId: simulatorId,
        priceModel: { kind: "per_megapixel", microsPerMegapixel: 1_000 },
      },
    });
  });

  it("erases with the local Telea engine when chosen (this server's CPU, in a worker)", async () => {
    await setEditorEngine({ ctx: admin, input: { operation: "erase", engine: "telea-local", providerId: null } });
    try {
      const { asset, v1 } = await generateAsset(database.db, designer);
      const queued = await requestEdit({
        ctx: designer,
        input: {
          assetId: asset.id,
          operation: "erase",
          sourceVersionNumber: 1,
          mask: await paintedMask(v1.width, v1.height, { left: 40, top: 40, width: 24, height: 24 }),
          idempotencyKey: key(),
        },
        store: store(),
        send: recordingSender(),
      });
      expect(queued.edit).toMatchObject({ engine: "telea-local", providerId: null });
      await runEdit({ db: database.db, store: store(), editId: queued.edit.id });
      const v2 = (await versionsOf(asset.id))[1]!;
      expect(v2).toMatchObject({ operation: "erase", width: v1.width, height: v1.height, editId: queued.edit.id });
      expect(sha(await bytesOf(v2.blobKey))).not.toBe(sha(await bytesOf(v1.blobKey)));
      expect(await ledgerOf(queued.edit.id)).toMatchObject([
        { engine: "telea-local", providerId: null, micros: 0, outcome: "succeeded" },
      ]);
    } finally {
      await setEditorEngine({
        ctx: admin,
        input: {
          operation: "erase",
          engine: "a1111",
          providerId: simulatorId,
          priceModel: { kind: "per_image", microsPerImage: 3_000 },
        },
      });
    }
  });

  it("refuses engines that cannot do the operation, prices on local engines, bad price models and non-admins", async () => {
    await expect(
      setEditorEngine({ ctx: admin, input: { operation: "erase", engine: "lanczos-local", providerId: null } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      setEditorEngine({
        ctx: admin,
        input: {
          operation: "upscale",
          engine: "lanczos-local",
          providerId: null,
          priceModel: { kind: "per_image", microsPerImage: 5 },
        },
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      setEditorEngine({
        ctx: admin,
        input: {
          operation: "upscale",
          engine: "a1111",
          providerId: simulatorId,
          priceModel: { kind: "per_image", microsPerImage: -1 } as never,
        },
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(
      setEditorEngine({ ctx: designer, input: { operation: "upscale", engine: "lanczos-local", providerId: null } }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("requesting an edit", () => {
  it("queues once for a double click (same idempotency key)", async () => {
    const { asset } = await generateAsset(database.db, designer);
    const send = recordingSender();
    const input = {
      assetId: asset.id,
      operation: "upscale" as const,
      sourceVersionNumber: 1,
      params: { scale: 2 as const },
      idempotencyKey: key(),
    };
    const [a, b] = await Promise.all([
      requestEdit({ ctx: designer, input, store: store(), send }),
      requestEdit({ ctx: designer, input, store: store(), send }),
    ]);
    const c = await requestEdit({ ctx: designer, input, store: store(), send });
    expect(new Set([a.edit.id, b.edit.id, c.edit.id]).size).toBe(1);
    expect([a.created, b.created, c.created].filter(Boolean)).toHaveLength(1);
    expect(send.edits).toHaveLength(1);
    expect(await database.db.select().from(assetEdits).where(eq(assetEdits.assetId, asset.id))).toHaveLength(1);
  });

  it("explains what is wrong: no mask, not an image, the wrong size, nothing painted, no scale, someone else's asset, a reviewer", async () => {
    const { asset } = await generateAsset(database.db, designer);
    const send = recordingSender();
    const erase = (mask: string | undefined, ctx = designer) =>
      requestEdit({
        ctx,
        input: { assetId: asset.id, operation: "erase", sourceVersionNumber: 1, mask, idempotencyKey: key() },
        store: store(),
        send,
      });
    await expect(erase(undefined)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("Paint the area to erase first"),
    });
    await expect(erase(Buffer.from("hello, not a png").toString("base64"))).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("not an image"),
    });
    await expect(erase(await paintedMask(100, 50, { left: 0, top: 0, width: 10, height: 10 }))).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("100×50 but the image is 512×512"),
    });
    await expect(erase(await paintedMask(512, 512))).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("empty"),
    });
    const jpeg = (
      await sharp({ create: { width: 512, height: 512, channels: 3, background: "#fff" } })
        .jpeg()
        .toBuffer()
    ).toString("base64");
    await expect(erase(jpeg)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("PNG") });
    const good = await paintedMask(512, 512, { left: 10, top: 10, width: 20, height: 20 });
    await expect(erase(good, otherDesigner)).rejects.toMatchObject({ code: "not_found" });
    await expect(erase(good, reviewer)).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      requestEdit({
        ctx: designer,
        input: { assetId: asset.id, operation: "upscale", sourceVersionNumber: 1, idempotencyKey: key() },
        store: store(),
        send,
      }),
    ).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("2× or 4×") });
    await expect(
      requestEdit({
        ctx: designer,
        input: {
          assetId: asset.id,
          operation: "upscale",
          sourceVersionNumber: 9,
          params: { scale: 2 },
          idempotencyKey: key(),
        },
        store: store(),
        send,
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    // An admin may edit anyone's asset; a mask at half resolution (same aspect) is scaled to the image.
    const half = await paintedMask(256, 256, { left: 5, top: 5, width: 10, height: 10 });
    const byAdmin = await erase(half, admin);
    const mask = await sharp(await bytesOf(byAdmin.edit.maskBlobKey!)).metadata();
    expect(mask).toMatchObject({ width: 512, height: 512 });
    expect(send.edits).toEqual([byAdmin.edit.id]);
  });
});
