import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { together } from "@/db/together";
import {
  assets,
  assetVersions,
  batches,
  costLedger,
  generations,
  presetVersions,
  providers,
  type Generation,
  type LedgerPurpose,
} from "@/db/schema";
import { createAssetFromGeneration } from "@/lib/assets/create-from-generation";
import { recordAudit } from "@/lib/audit";
import { costOfCall } from "@/lib/costs/estimate";
import { readAll, stripMetadata, writeRenditions } from "@/lib/images/renditions";
import { budgetGate } from "@/lib/budgets/gate";
import { AppError } from "@/lib/errors";
import { createAdapter } from "@/lib/providers/registry";
import { providerConfig } from "@/lib/providers/store";
import { ProviderError } from "@/lib/providers/types";
import { REFERENCE_STRENGTH, referenceUnsupportedMessage } from "@/lib/providers/reference-image";
import type { BlobStore } from "@/lib/storage/types";
import { failoverAtCallTime } from "@/lib/operations/failover/fail-over";
import { logger } from "@/lib/observability/logger";
import { generationPausedReason } from "@/lib/operations/switches/read-switches";
import { endpointState } from "./batch-queries";
import {
  announceRelease,
  callEndedHere,
  claimProviderCall,
  keepProviderCallAlive,
  ledgerFields,
  endProviderCall,
  interruptedCharge,
  ledgerInterruptedCallsOf,
} from "./provider-slots";
import { webhooksAfterGeneration } from "@/lib/webhooks/hooks";
import { settleBatch } from "./settle-batch";

/** On success, `checkRunId` is the new asset's automated checks, to be requested next. */
export type RunOutcome =
  | { status: "succeeded"; generationId: string; checkRunId: string }
  | {
      status: "already_done" | "paused" | "system_paused" | "moved" | "held" | "waiting_for_slot";
      generationId: string;
      checkRunId?: undefined;
      /** Set when "held" or "system_paused": why the work waits (a held campaign, a used-up budget, the global pause). */
      reason?: string;
    };

/**
 * How long a step waits inside itself for one of the endpoint's slots before handing back to the
 * runner to wait durably. Long enough that a slot freed by a finishing call is taken at once by a
 * step already waiting (no idle GPU); short enough that a deep queue does not pin runner slots.
 */
const SLOT_WAIT_MS = 15_000;

/**
 * One provider call for one generation, recorded exactly once in the ledger (the call key is the
 * generation and its call number). Throws ProviderError on failure, after the ledger row is
 * written; the caller decides about retries from `error.retryable`. Does nothing while the
 * endpoint is paused ("paused") or when the work was moved to another endpoint ("moved").
 */
export async function runGeneration({
  db,
  store,
  generationId,
  attempt,
  requestedProviderId,
}: {
  db: Db;
  store: BlobStore;
  generationId: string;
  attempt: number;
  /** The endpoint this request was made for. */
  requestedProviderId?: string;
}): Promise<RunOutcome> {
  let [gen] = await db.select().from(generations).where(eq(generations.id, generationId)).limit(1);
  if (!gen) throw new ProviderError("invalid_request", `Generation ${generationId} does not exist.`);
  if (gen.status === "succeeded" || gen.status === "cancelled") return { status: "already_done", generationId };
  // Automatic failover (lib/operations/failover): an unhealthy endpoint's work of the fallback's
  // tier moves now, this generation with it; read it again to call where it now points.
  if (await failoverAtCallTime(db, generationId))
    [gen] = await db.select().from(generations).where(eq(generations.id, generationId)).limit(1);
  if (!gen) throw new ProviderError("invalid_request", `Generation ${generationId} does not exist.`);
  // Checked here rather than in a step of its own: one round trip less per image.
  const state = await endpointState(db, generationId, requestedProviderId);
  if (state === "moved") return { status: state, generationId };
  // The global kill switch (lib/operations/switches), read per call so every worker process sees it at once.
  const stopped = await generationPausedReason(db);
  if (stopped) return { status: "system_paused", generationId, reason: stopped };
  if (state !== "ready") return { status: state, generationId };
  // Budgets (lib/budgets/gate.ts): a held campaign or a used-up budget waits; no call, no ledger row.
  const gate = await budgetGate(db, gen);
  if (gate.state === "held") return { status: "held", generationId, reason: gate.reason };
  const [row] = await db
    .select({ version: presetVersions, provider: providers })
    .from(presetVersions)
    .innerJoin(providers, eq(providers.id, presetVersions.providerId))
    .where(eq(presetVersions.id, gen.presetVersionId))
    .limit(1);
  const { version, provider } = row!;
  const priceModel = version.priceModel;
  // Made before the call is claimed: nothing that can fail may sit between the call's record and its request.
  const adapter = createAdapter(providerConfig(provider));
  // The reference image's bytes come from our storage (never a URL the endpoint fetches), read before the claim too.
  const reference = gen.referenceVersionId ? await loadReference(db, store, gen) : null;
  if (reference && !adapter.imageToImage)
    throw new ProviderError("invalid_request", referenceUnsupportedMessage(provider.name));
  const claimed = await claimProviderCall(db, {
    gen,
    provider,
    waitMs: SLOT_WAIT_MS,
    ledger: (callNumber) => ({
      callKey: `${gen.id}:generate:${callNumber}`,
      generationId: gen.id,
      providerId: provider.id,
      presetVersionId: version.id,
      userId: gen.ownerId,
      operation: "generate",
      engine: provider.kind,
      // Attribution for finance: the lineage (root generation) and why this call was made.
      batchId: gen.batchId,
      lineageRootId: gen.lineageRootId ?? gen.id,
      purpose: ledgerPurpose(gen, callNumber),
      ifInterrupted: interruptedCharge(provider.kind, priceModel, gen),
    }),
  });
  // Every slot of the endpoint is taken: the caller waits durably and asks again.
  if (!claimed) return { status: "waiting_for_slot", generationId };
  const { callKey, callNumber } = claimed;
  // The slot stays ours while this process lives: its lease is renewed until the ledger row commits.
  let checkRunId: string | undefined;
  const stopLease = keepProviderCallAlive(db, callKey, (err) =>
    logger.warn({ err, callKey }, "generation: renewing a slot lease failed"),
  );
  try {
    const ledger = ledgerFields(claimed.ledger);
    const started = Date.now();
    let result;
    try {
      const request = {
        prompt: gen.prompt,
        negativePrompt: gen.negativePrompt,
        width: gen.width,
        height: gen.height,
        steps: version.params.steps,
        cfgScale: version.params.cfgScale,
        sampler: version.params.sampler,
        seed: gen.seed,
        model: version.model,
        loras: version.loras,
      };
      result =
        reference && adapter.imageToImage
          ? await adapter.imageToImage(
              { ...request, image: reference.image, strength: reference.strength },
              { timeoutMs: provider.timeoutMs },
            )
          : await adapter.generate(request, { timeoutMs: provider.timeoutMs });
    } catch (error) {
      const pe =
        error instanceof ProviderError
          ? error
          : new ProviderError("transient", (error as Error).message ?? String(error), { cause: error });
      const micros = pe.billable
        ? costOfCall(version.priceModel, {
            width: gen.width,
            height: gen.height,
            gpuSeconds: (Date.now() - started) / 1000,
          })
        : 0;
      await db.transaction(async (tx) => {
        await tx
          .insert(costLedger)
          .values({ ...ledger, outcome: "failed", billable: pe.billable, micros, errorKind: pe.kind })
          .onConflictDoNothing();
        await endProviderCall(tx, callKey);
      });
      announceRelease(provider.id);
      throw pe;
    }
    const providerMs = Date.now() - started;

    // Only what must happen while the GPU slot is held: the metadata-free original and the ledger.
    // Renditions are made by their own function (makeGenerationRenditions), outside the slot.
    const clean = await stripMetadata(result.image);
    const originalKey = `generations/${gen.id}/original.png`;
    await store.put(originalKey, clean.data, { contentType: "image/png" });

    const micros = costOfCall(version.priceModel, {
      width: clean.width,
      height: clean.height,
      gpuSeconds: result.gpuSeconds,
    });

    // Four round trips in all while the database is held (db/together.ts): the ledger row, the
    // generation, the call's end and the asset's first statements travel together.
    checkRunId = await db.transaction(async (tx) => {
      const [, , , asset] = await together(
        tx
          .insert(costLedger)
          .values({ ...ledger, outcome: "succeeded", billable: true, micros })
          .onConflictDoNothing()
          .execute(),
        tx
          .update(generations)
          .set({
            status: "succeeded",
            errorCode: null,
            errorMessage: null,
            blobKey: originalKey,
            seed: result.seed ?? gen.seed,
            finishedAt: new Date(),
            providerMs,
            metadata: {
              provider: { id: provider.id, kind: provider.kind, name: provider.name },
              model: version.model,
              loras: version.loras,
              params: {
                ...version.params,
                width: clean.width,
                height: clean.height,
                ...(reference ? { referenceStrength: reference.strength } : {}),
              },
              timings: { queuedMs: started - gen.createdAt.getTime(), providerMs },
              ...(result.providerRequestId ? { providerRequestId: result.providerRequestId } : {}),
            },
          })
          .where(eq(generations.id, gen.id))
          .execute(),
        endProviderCall(tx, callKey),
        createAssetFromGeneration(tx, { gen, blobKey: originalKey, width: clean.width, height: clean.height }),
      );
      // Last: the audit chain's lock is held to the commit and serialises every audited write. The
      // batch settle is sent after it (its row lock taken second, in the same order as the
      // dead-letter path), with the audit's lock and read.
      await together(
        recordAudit({
          db: tx,
          input: {
            actor: null,
            action: "generation.succeeded",
            subject: { type: "generation", id: gen.id },
            data: { batchId: gen.batchId, attempt, call: callNumber, micros },
          },
        }),
        settleBatch(tx, gen.batchId),
      );
      return asset.checkRunId;
    });
  } finally {
    stopLease();
    callEndedHere(provider.id);
  }
  announceRelease(provider.id);
  await webhooksAfterGeneration({ db }, gen.id);
  return { status: "succeeded", generationId: gen.id, checkRunId };
}

/** The reference image a generation starts from: the version's stored bytes and the batch's strength. */
async function loadReference(db: Db, store: BlobStore, gen: Generation): Promise<{ image: Buffer; strength: number }> {
  const [row] = await db
    .select({ blobKey: assetVersions.blobKey, settings: batches.settings })
    .from(assetVersions)
    .innerJoin(batches, eq(batches.id, gen.batchId))
    .where(eq(assetVersions.id, gen.referenceVersionId!))
    .limit(1);
  if (!row) throw new ProviderError("invalid_request", "The reference image of this generation no longer exists.");
  const obj = await store.get(row.blobKey);
  if (!obj) throw new ProviderError("invalid_request", "The reference image is missing from storage.");
  return { image: await readAll(obj.body), strength: row.settings.reference?.strength ?? REFERENCE_STRENGTH.default };
}

/** Why a generation's provider call was made: a re-roll (any call of it), a retry of a row, or its first call. */
export function ledgerPurpose(gen: Pick<Generation, "rerollOf">, callNumber: number): LedgerPurpose {
  if (gen.rerollOf) return "reroll";
  return callNumber > 1 ? "retry" : "first_attempt";
}

/**
 * Thumbnail and preview of a finished generation (idempotent: fixed keys). Runs as its own
 * function so CPU-bound image work never holds a GPU endpoint's concurrency slot.
 */
export async function makeGenerationRenditions({
  db,
  store,
  generationId,
}: {
  db: Db;
  store: BlobStore;
  generationId: string;
}): Promise<{ thumb: string; preview: string }> {
  const [gen] = await db.select().from(generations).where(eq(generations.id, generationId)).limit(1);
  if (!gen?.blobKey) throw new AppError("not_found", `Generation ${generationId} has no image yet.`);
  const original = await store.get(gen.blobKey);
  if (!original) throw new AppError("not_found", `The image of generation ${generationId} is missing from storage.`);
  const source = await readAll(original.body);
  const prefix = `generations/${gen.id}`;
  // One sharp job at a time (one decode, then each encode): each holds a libuv thread-pool worker
  // for its whole run, and two rendition runs at once with two jobs each would take all four,
  // stalling the file writes of generations that hold a GPU slot.
  const { thumb, preview } = await writeRenditions({ store, source, prefix });
  // Both updates in one round trip while the database is held (db/together.ts).
  await db.transaction(async (tx) => {
    await together(
      tx.update(generations).set({ renditions: { thumb, preview } }).where(eq(generations.id, gen.id)).execute(),
      tx
        .update(assetVersions)
        .set({ renditions: { thumb, preview } })
        .where(
          and(
            inArray(
              assetVersions.assetId,
              tx.select({ id: assets.id }).from(assets).where(eq(assets.generationId, gen.id)),
            ),
            eq(assetVersions.number, 1),
          ),
        )
        .execute(),
    );
  });
  return { thumb: thumb.key, preview: preview.key };
}

/** Parks a generation that will not succeed, with the reason code the user sees. */
export async function deadLetterGeneration({
  db,
  generationId,
  code,
  message,
}: {
  db: Db;
  generationId: string;
  code: string;
  message: string;
}): Promise<Generation | undefined> {
  const parked = await db.transaction(async (tx) => {
    const [gen] = await tx
      .update(generations)
      .set({ status: "dead_lettered", errorCode: code, errorMessage: message.slice(0, 1000), finishedAt: new Date() })
      .where(eq(generations.id, generationId))
      .returning();
    if (!gen) return undefined;
    // A call cut by a crash just before the run gave up still gets its one ledger row.
    await ledgerInterruptedCallsOf(tx, gen.id);
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "generation.dead_lettered",
        subject: { type: "generation", id: gen.id },
        data: { batchId: gen.batchId, code },
      },
    });
    await settleBatch(tx, gen.batchId);
    return gen;
  });
  if (parked) await webhooksAfterGeneration({ db }, parked.id);
  return parked;
}
