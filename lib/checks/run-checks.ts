import { assetTier } from "@/lib/assets/tier";
import { assetTitle } from "@/lib/assets/title";
import { and, desc, eq, inArray, isNotNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { assets, assetVersions, checkResults, checkRuns, generations, presetVersions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { readAll } from "@/lib/images/renditions";
import type { BlobStore } from "@/lib/storage/types";
import { imageHash } from "./classical";
import { prepareImage } from "./prepare";
import { promptWantsText } from "./prompt-text";
import { loadIntendedSize } from "./intended-size";
import { getCheck } from "./registry";
import type { CheckContext, CheckOutcome, HashRef, PreparedImage } from "./types";

/** A check that hangs is an error (and so a human decision), not a stuck pipeline. */
const CHECK_TIMEOUT_MS = 120_000;

/**
 * Template columns that name a product across batches (a CSV's identifier column, carried as asset
 * metadata): two assets with the same value are the same product even when other values changed.
 */
export const PRODUCT_ID_COLUMNS = ["sku", "product_id", "product_code", "ean", "gtin", "upc", "mpn"] as const;

/** The asset's product identifier column and value (the first of PRODUCT_ID_COLUMNS it carries), if any. */
export function productIdentifier(metadata: Record<string, string>): { key: string; value: string } | null {
  for (const key of PRODUCT_ID_COLUMNS) {
    const value = metadata[key]?.trim();
    if (value) return { key, value };
  }
  return null;
}

/**
 * Near-duplicate candidates for an asset, from its product lineage only: earlier images of the same
 * CSV row of the same batch (its other variants and re-rolls) that are still in play (a rejected one is
 * no duplicate to worry about), and approved images of the same product from any batch — the same
 * template and template values, or the same identifier column (`sku`, …). Other rows of the batch are
 * other products: a catalogue made from one template looks alike by design, and comparing across it
 * rejected distinct products as duplicates.
 */
async function productHashes(
  db: Db,
  asset: { id: string; batchId: string; createdAt: Date; metadata: Record<string, string> },
  gen: { rowLine: number; values: Record<string, string | number>; templateVersionId: string } | null,
): Promise<HashRef[]> {
  const select = {
    assetId: assets.id,
    hash: checkRuns.phash,
    title: assets.title,
    line: generations.rowLine,
    variant: generations.variantIndex,
  };
  const sameRow = gen
    ? await db
        .select(select)
        .from(assets)
        .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
        .innerJoin(checkRuns, eq(checkRuns.assetVersionId, assetVersions.id))
        .innerJoin(generations, eq(generations.id, assets.generationId))
        .where(
          and(
            eq(assets.batchId, asset.batchId),
            eq(generations.rowLine, gen.rowLine),
            ne(assets.id, asset.id),
            ne(assets.status, "rejected"),
            isNotNull(checkRuns.phash),
            or(
              lt(assets.createdAt, asset.createdAt),
              and(eq(assets.createdAt, asset.createdAt), lt(assets.id, asset.id)),
            ),
          ),
        )
        .limit(500)
    : [];
  const id = productIdentifier(asset.metadata);
  const sameProduct = [
    gen
      ? and(
          eq(generations.templateVersionId, gen.templateVersionId),
          sql`${generations.values} = ${JSON.stringify(gen.values)}::jsonb`,
        )
      : undefined,
    id ? sql`${assets.metadata} ->> ${id.key} = ${id.value}` : undefined,
  ].filter((c) => c !== undefined);
  const approved = sameProduct.length
    ? await db
        .select(select)
        .from(assets)
        .innerJoin(checkRuns, eq(checkRuns.assetVersionId, assets.currentVersionId))
        .innerJoin(generations, eq(generations.id, assets.generationId))
        .where(
          and(eq(assets.status, "approved"), ne(assets.id, asset.id), isNotNull(checkRuns.phash), or(...sameProduct)),
        )
        .orderBy(desc(assets.updatedAt))
        .limit(200)
    : [];
  return dedupe([
    ...sameRow.map((r) => ({ id: r.assetId, hash: r.hash!, label: assetTitle(r) })),
    ...approved.map((r) => ({ id: r.assetId, hash: r.hash!, label: `${assetTitle(r)} (approved)` })),
  ]);
}

/** The preset's approved images: the style later images are held to. */
async function referenceHashes(db: Db, presetId: string, assetId: string): Promise<HashRef[]> {
  const rows = await db
    .select({ assetId: assets.id, hash: checkRuns.phash, line: generations.rowLine })
    .from(assets)
    .innerJoin(presetVersions, eq(presetVersions.id, assets.presetVersionId))
    .innerJoin(checkRuns, eq(checkRuns.assetVersionId, assets.currentVersionId))
    .innerJoin(generations, eq(generations.id, assets.generationId))
    .where(
      and(
        eq(presetVersions.presetId, presetId),
        eq(assets.status, "approved"),
        ne(assets.id, assetId),
        isNotNull(checkRuns.phash),
      ),
    )
    .orderBy(desc(assets.updatedAt))
    .limit(200);
  return dedupe(
    rows.map((r) => ({ id: r.assetId, hash: r.hash!, label: `approved asset ${r.assetId.slice(0, 8)}` })),
  ).slice(0, 50);
}

function dedupe(refs: HashRef[]): HashRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.id) && seen.add(r.id));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export type CheckStepResult = { checkId: string; verdict: string; error: string | null };

/**
 * Runs some of a check run's checks on the asset version's image and stores each result. Checks
 * that already have a result in this run are skipped, so a step repeated after a crash resumes.
 * A check that throws (or an image that cannot be decoded) is stored as an error: fail closed.
 */
/**
 * The image decoded once and the context the checks need, for an asset version with the given
 * thresholds (a run's snapshot, or an admin's proposal being previewed). A decode failure is
 * returned, not thrown: each check then records it as an error.
 */
export async function loadCheckInput(
  db: Db,
  store: BlobStore,
  {
    assetVersionId,
    thresholds,
    checkIds,
  }: { assetVersionId: string; thresholds: Record<string, number>; checkIds: string[] },
): Promise<{ image: PreparedImage | null; prepareError: string | null; context: CheckContext }> {
  const [row] = await db
    .select({ version: assetVersions, asset: assets, gen: generations, presetId: presetVersions.presetId })
    .from(assetVersions)
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    // Uploaded assets have no generation or preset: no expected size, prompt or style references.
    .leftJoin(generations, eq(generations.id, assets.generationId))
    .leftJoin(presetVersions, eq(presetVersions.id, assets.presetVersionId))
    .where(eq(assetVersions.id, assetVersionId))
    .limit(1);
  if (!row) throw new AppError("not_found", `Asset version ${assetVersionId} does not exist.`);
  const { version, asset, gen, presetId } = row;
  let image: PreparedImage | null = null;
  let prepareError: string | null = null;
  try {
    const blob = await store.get(version.blobKey);
    if (!blob) throw new Error("the image is missing from storage");
    image = await prepareImage(await readAll(blob.body));
  } catch (error) {
    prepareError = `The image could not be read: ${(error as Error).message}`;
  }
  const intended = await loadIntendedSize(db, version, gen);
  const context: CheckContext = {
    tier: assetTier(asset),
    expected: { width: intended.width, height: intended.height },
    expectedFrom: intended.from,
    promptWantsText: gen ? promptWantsText(gen.prompt, gen.negativePrompt) : false,
    prompt: gen?.prompt ?? "",
    batchHashes:
      checkIds.includes("duplicate") && asset.batchId
        ? await productHashes(db, { ...asset, batchId: asset.batchId }, gen)
        : [],
    referenceHashes: checkIds.includes("style") && presetId ? await referenceHashes(db, presetId, asset.id) : [],
    thresholds,
  };
  return { image, prepareError, context };
}

/** Runs one check, turning a throw or a hang into an error result (fail closed). */
export async function runOneCheck(
  checkId: string,
  image: PreparedImage | null,
  prepareError: string | null,
  context: CheckContext,
) {
  const check = getCheck(checkId);
  const started = Date.now();
  let outcome: CheckOutcome | null = null;
  let error = prepareError ?? (check ? null : `Unknown check "${checkId}"`);
  if (!error && image && check) {
    try {
      outcome = await withTimeout(check.run(image, context), CHECK_TIMEOUT_MS, `The ${checkId} check`);
    } catch (e) {
      error = (e as Error).message || String(e);
    }
  }
  return { check, outcome, error, durationMs: Date.now() - started };
}

/**
 * Runs some of a check run's checks on the asset version's image and stores each result. Checks
 * that already have a result in this run are skipped, so a step repeated after a crash resumes.
 * A check that throws (or an image that cannot be decoded) is stored as an error: fail closed.
 */
export async function runChecks({
  db,
  store,
  checkRunId,
  checkIds,
}: {
  db: Db;
  store: BlobStore;
  checkRunId: string;
  checkIds: string[];
}): Promise<CheckStepResult[]> {
  const [run] = await db.select().from(checkRuns).where(eq(checkRuns.id, checkRunId)).limit(1);
  if (!run) throw new AppError("not_found", `Check run ${checkRunId} does not exist.`);
  const done = await db
    .select({ checkId: checkResults.checkId })
    .from(checkResults)
    .where(and(eq(checkResults.checkRunId, run.id), inArray(checkResults.checkId, checkIds)));
  const todo = checkIds.filter((id) => !done.some((d) => d.checkId === id));
  if (todo.length === 0) return [];

  const { image, prepareError, context } = await loadCheckInput(db, store, {
    assetVersionId: run.assetVersionId,
    thresholds: run.thresholds,
    checkIds: todo,
  });
  if (image && (todo.includes("duplicate") || todo.includes("style"))) {
    await db
      .update(checkRuns)
      .set({ phash: imageHash(image) })
      .where(eq(checkRuns.id, run.id));
  }

  const out: CheckStepResult[] = [];
  for (const checkId of todo) {
    const { check, outcome, error, durationMs } = await runOneCheck(checkId, image, prepareError, context);
    await db
      .insert(checkResults)
      .values({
        checkRunId: run.id,
        checkId,
        checkVersion: check?.version ?? 0,
        score: outcome && Number.isFinite(outcome.score) ? outcome.score : null,
        threshold: outcome?.threshold ?? null,
        verdict: outcome?.verdict ?? "warn",
        reasonCode: outcome?.reasonCode ?? (error ? "check_error" : null),
        detail: outcome?.detail ?? `This check could not run, so a person decides. ${error}`.slice(0, 1000),
        error: error?.slice(0, 1000) ?? null,
        durationMs,
      })
      .onConflictDoNothing();
    out.push({ checkId, verdict: outcome?.verdict ?? "warn", error });
  }
  return out;
}
