import { and, count, desc, eq, sql } from "drizzle-orm";
import sharp from "sharp";
import type { Db } from "@/db";
import { assetEdits, assets, assetVersions, checkRuns, costLedger, generations, type AssetEdit } from "@/db/schema";
import { assetTier } from "@/lib/assets/tier";
import { addAssetVersion, newVersionBecomesCurrent } from "@/lib/assets/add-version";
import { recordAudit } from "@/lib/audit";
import { costOfCall, type PriceModel } from "@/lib/costs/estimate";
import { AppError } from "@/lib/errors";
import { readAll, stripMetadata } from "@/lib/images/renditions";
import { ProviderError } from "@/lib/providers/types";
import type { BlobStore } from "@/lib/storage/types";
import type { EditEngine, EngineResult } from "./engines/types";
import { buildEngine } from "./registry";
import { refreshAssetSearch } from "@/lib/library/refresh";

export type EditOutcome = {
  status: "succeeded" | "already_done";
  editId: string;
  versionId: string | null;
  checkRunId: string | null;
};

/** Progress bands: the engine's own fraction maps into 10–85; storing and the version take the rest. */
const ENGINE_START = 10;
const ENGINE_END = 85;

async function blob(store: BlobStore, key: string, what: string): Promise<Buffer> {
  const obj = await store.get(key);
  if (!obj) throw new AppError("not_found", `${what} is missing from storage.`);
  return readAll(obj.body);
}

function setProgress(db: Db, editId: string, progress: number) {
  // Only forwards: a late write from a slower callback never moves the bar back.
  return db
    .update(assetEdits)
    .set({ progress })
    .where(and(eq(assetEdits.id, editId), sql`${assetEdits.progress} < ${progress}`));
}

/** Writes the engine's progress at most every 250 ms (a tile loop can report hundreds of times). */
function progressWriter(db: Db, editId: string) {
  let last = 0;
  return async (fraction: number) => {
    const now = Date.now();
    if (fraction < 1 && now - last < 250) return;
    last = now;
    const value = Math.round(ENGINE_START + (ENGINE_END - ENGINE_START) * Math.min(1, Math.max(0, fraction)));
    await setProgress(db, editId, value);
  };
}

async function callEngine(
  engine: EditEngine,
  edit: AssetEdit,
  inputs: { image: Buffer; mask: Buffer | null; prompt: string },
  onProgress: (f: number) => Promise<void>,
) {
  const options = { onProgress };
  switch (edit.operation) {
    case "erase":
      if (!engine.erase || !inputs.mask) throw new ProviderError("invalid_request", `${engine.label} cannot erase.`);
      return engine.erase({ image: inputs.image, mask: inputs.mask, prompt: inputs.prompt }, options);
    case "upscale": {
      const scale = edit.params.scale === 4 ? 4 : 2;
      if (!engine.upscale) throw new ProviderError("invalid_request", `${engine.label} cannot upscale.`);
      return engine.upscale({ image: inputs.image, scale }, options);
    }
    case "remove_background":
      if (!engine.removeBackground)
        throw new ProviderError("invalid_request", `${engine.label} cannot remove backgrounds.`);
      return engine.removeBackground({ image: inputs.image }, options);
    default:
      throw new ProviderError("invalid_request", `“${edit.operation}” is not a background operation.`);
  }
}

/** The stored result: metadata stripped; alpha kept for cut-outs, or flattened onto the chosen colour. */
async function finish(edit: AssetEdit, result: EngineResult): Promise<{ data: Buffer; width: number; height: number }> {
  const background = edit.params.background;
  if (edit.operation === "remove_background" && typeof background === "string" && background !== "transparent") {
    const { data, info } = await sharp(result.image)
      .flatten({ background })
      .png({ compressionLevel: 3 })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }
  return stripMetadata(result.image);
}

/**
 * Runs one edit: the engine on the source version (progress written as it goes), exactly one
 * cost-ledger row for the call (failed calls too, billed when the provider bills them), the
 * metadata-free result stored, and — in one transaction — the new version (checks started, the
 * approval cleared) and the edit marked done. Throws ProviderError on a failed call, after its
 * ledger row; the caller decides about retries from `retryable`. Idempotent once succeeded.
 */
export async function runEdit({
  db,
  store,
  editId,
}: {
  db: Db;
  store: BlobStore;
  editId: string;
}): Promise<EditOutcome> {
  const [edit] = await db.select().from(assetEdits).where(eq(assetEdits.id, editId)).limit(1);
  if (!edit) throw new AppError("not_found", `Edit ${editId} does not exist.`);
  if (edit.status === "succeeded" || edit.status === "failed") {
    // A step re-run after a crash past the commit: hand back the version's check run so it is still requested.
    const [run] = edit.resultVersionId
      ? await db
          .select({ id: checkRuns.id })
          .from(checkRuns)
          .where(eq(checkRuns.assetVersionId, edit.resultVersionId))
          .orderBy(desc(checkRuns.createdAt))
          .limit(1)
      : [];
    return { status: "already_done", editId, versionId: edit.resultVersionId, checkRunId: run?.id ?? null };
  }
  const [row] = await db
    .select({ asset: assets, source: assetVersions, gen: generations })
    .from(assets)
    .innerJoin(assetVersions, eq(assetVersions.id, edit.sourceVersionId))
    // Uploaded assets have no generation: no prompt, and their edits' spend has no batch or lineage.
    .leftJoin(generations, eq(generations.id, assets.generationId))
    .where(eq(assets.id, edit.assetId))
    .limit(1);
  if (!row) throw new AppError("not_found", `The asset of edit ${editId} does not exist.`);
  const { asset, source, gen } = row;
  await db
    .update(assetEdits)
    .set({
      status: "running",
      startedAt: edit.startedAt ?? new Date(),
      progress: sql`greatest(${assetEdits.progress}, 5)`,
    })
    .where(eq(assetEdits.id, edit.id));

  const image = await blob(store, source.blobKey, `The image of version ${source.number}`);
  const mask = edit.maskBlobKey ? await blob(store, edit.maskBlobKey, "The painted mask") : null;
  const { engine, provider } = await buildEngine(db, { engine: edit.engine, providerId: edit.providerId });
  const priceModel = (edit.params.priceModel as PriceModel | null | undefined) ?? null;

  // Each call has its own number (rows already written + 1): a retry is a new call with a new row.
  const [written] = await db.select({ n: count() }).from(costLedger).where(eq(costLedger.editId, edit.id));
  const callNumber = Number(written?.n ?? 0) + 1;
  const ledger = {
    callKey: `${edit.id}:edit:${callNumber}`,
    generationId: gen?.id ?? null,
    providerId: provider?.id ?? null,
    userId: edit.requestedBy,
    operation: edit.operation,
    purpose: "edit" as const,
    batchId: asset.batchId,
    lineageRootId: gen ? (gen.lineageRootId ?? gen.id) : null,
    assetId: asset.id,
    editId: edit.id,
    engine: engine.id,
  };
  const priced = (size: { width: number; height: number; gpuSeconds?: number }) =>
    priceModel && !engine.local ? costOfCall(priceModel, size) : 0;

  const started = Date.now();
  await setProgress(db, edit.id, ENGINE_START);
  let result: EngineResult;
  try {
    result = await callEngine(engine, edit, { image, mask, prompt: gen?.prompt ?? "" }, progressWriter(db, edit.id));
  } catch (error) {
    const pe =
      error instanceof ProviderError
        ? error
        : // A local engine that throws will throw again on the same input; a remote one may recover.
          new ProviderError(
            engine.local ? "invalid_request" : "transient",
            (error as Error)?.message ?? String(error),
            { cause: error },
          );
    const micros = pe.billable
      ? priced({ width: source.width, height: source.height, gpuSeconds: (Date.now() - started) / 1000 })
      : 0;
    await db
      .insert(costLedger)
      .values({ ...ledger, outcome: "failed", billable: pe.billable, micros, errorKind: pe.kind })
      .onConflictDoNothing();
    throw pe;
  }
  await setProgress(db, edit.id, ENGINE_END);

  const clean = await finish(edit, result);
  const key = `assets/${asset.id}/edits/${edit.id}.png`;
  await store.put(key, clean.data, { contentType: "image/png" });
  await setProgress(db, edit.id, 92);
  const micros = priced({ width: clean.width, height: clean.height, gpuSeconds: result.gpuSeconds });

  const { versionId, checkRunId } = await db.transaction(async (tx) => {
    await tx
      .insert(costLedger)
      .values({ ...ledger, outcome: "succeeded", billable: !engine.local, micros })
      .onConflictDoNothing();
    const { version, checkRunId } = await addAssetVersion(tx, {
      assetId: asset.id,
      operation: edit.operation,
      blobKey: key,
      width: clean.width,
      height: clean.height,
      createdBy: edit.requestedBy,
      parentVersionId: source.id,
      makeCurrent: newVersionBecomesCurrent(assetTier(asset)),
    });
    await tx.update(assetVersions).set({ editId: edit.id }).where(eq(assetVersions.id, version.id));
    const [spent] = await tx
      .select({ micros: sql<number>`coalesce(sum(${costLedger.micros}), 0)::bigint` })
      .from(costLedger)
      .where(eq(costLedger.editId, edit.id));
    await tx
      .update(assetEdits)
      .set({
        status: "succeeded",
        progress: 100,
        resultVersionId: version.id,
        costMicros: Number(spent?.micros ?? 0),
        errorCode: null,
        errorMessage: null,
        finishedAt: new Date(),
      })
      .where(eq(assetEdits.id, edit.id));
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "edit.succeeded",
        subject: { type: "asset", id: asset.id },
        data: {
          editId: edit.id,
          operation: edit.operation,
          version: version.number,
          engine: engine.id,
          call: callNumber,
          micros,
        },
      },
    });
    return { versionId: version.id, checkRunId };
  });
  return { status: "succeeded", editId: edit.id, versionId, checkRunId };
}

const FAILURE_TEXT: Record<string, string> = {
  timeout: "The engine did not answer in time.",
  unavailable: "The GPU endpoint could not be reached.",
  transient: "The engine failed several times in a row.",
  invalid_request: "The engine refused the request.",
  content_filtered: "The provider's safety filter blocked the result.",
  auth: "The GPU endpoint refused Kiln's credentials; an admin must check its API key.",
  not_found: "Something this edit needs no longer exists.",
};

/** Marks an edit failed with a reason the designer reads beside the version list; the source is untouched. */
export async function failEdit({
  db,
  editId,
  code,
  detail,
}: {
  db: Db;
  editId: string;
  code: string;
  detail: string;
}): Promise<AssetEdit | undefined> {
  const message = `${FAILURE_TEXT[code] ?? "The edit failed."} ${detail}`.trim().slice(0, 1000);
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .select({ micros: sql<number>`coalesce(sum(${costLedger.micros}), 0)::bigint` })
      .from(costLedger)
      .where(eq(costLedger.editId, editId));
    const [edit] = await tx
      .update(assetEdits)
      .set({
        status: "failed",
        errorCode: code,
        errorMessage: message,
        costMicros: Number(spent?.micros ?? 0),
        finishedAt: new Date(),
      })
      .where(and(eq(assetEdits.id, editId), sql`${assetEdits.status} <> 'succeeded'`))
      .returning();
    if (!edit) return undefined;
    // The library's cost of the image includes what the failed edit billed.
    await refreshAssetSearch(tx, [edit.assetId]);
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "edit.failed",
        subject: { type: "asset", id: edit.assetId },
        data: { editId, operation: edit.operation, code },
      },
    });
    return edit;
  });
}
