import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import {
  batches,
  checkResults,
  costLedger,
  generations,
  presets,
  presetVersions,
  providers,
  templates,
  type Batch,
  type Generation,
  type LedgerPurpose,
} from "@/db/schema";
import { createAssetFromGeneration } from "@/lib/assets/create-from-generation";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { checksForTier } from "@/lib/checks/registry";
import { ledgerPurpose } from "@/lib/generation/run-generation";
import type { Tier } from "@/lib/presets";

/**
 * Test helpers: a known cost history, built on the catalog seedCatalog made. Ledger rows are
 * written as the pipeline writes them (call keys, purposes, attribution), with the amounts the test
 * chooses; assets are made and decided by the real code (createAssetFromGeneration, decideCheckRun,
 * and the caller's decideAsset), so approved_at / rejected_at are set as in production.
 */
export function costHistory(db: Db) {
  const calls = new Map<string, number>();

  async function presetFor(tier: Tier) {
    const [row] = await db
      .select({ version: presetVersions })
      .from(presets)
      .innerJoin(presetVersions, eq(presetVersions.id, presets.activeVersionId))
      .where(eq(presets.tier, tier))
      .limit(1);
    if (!row) throw new Error(`No seeded ${tier} preset: call seedCatalog first.`);
    return row.version;
  }

  return {
    presetFor,

    async batch({
      ownerId,
      campaign = null,
      createdAt = new Date(),
    }: {
      ownerId: string;
      campaign?: string | null;
      createdAt?: Date;
    }): Promise<Batch> {
      const [template] = await db.select().from(templates).limit(1);
      const [batch] = await db
        .insert(batches)
        .values({
          ownerId,
          idempotencyKey: `cost-history-${randomUUID()}`,
          name: `Batch for ${campaign ?? "no campaign"}`,
          campaign,
          templateVersionId: template!.activeVersionId!,
          source: "form",
          status: "running",
          total: 1,
          estimateMicros: 0,
          estimateSeconds: 0,
          settings: { variantsPerRow: 1, aspectRatios: [{ width: 1024, height: 1024 }] },
          createdAt,
        })
        .returning();
      return batch!;
    },

    async generation(batch: Batch, { tier, rerollOf }: { tier: Tier; rerollOf?: Generation }): Promise<Generation> {
      const version = await presetFor(tier);
      const [gen] = await db
        .insert(generations)
        .values({
          batchId: batch.id,
          ownerId: batch.ownerId,
          rowLine: 1,
          variantIndex: 0,
          tier,
          presetVersionId: version.id,
          templateVersionId: batch.templateVersionId,
          values: {},
          prompt: "a ceramic mug on a wooden table",
          negativePrompt: "",
          seed: 7,
          width: 1024,
          height: 1024,
          ...(rerollOf
            ? {
                rerollOf: rerollOf.id,
                rerollDepth: rerollOf.rerollDepth + 1,
                lineageRootId: rerollOf.lineageRootId ?? rerollOf.id,
              }
            : {}),
        })
        .returning();
      return gen!;
    },

    /** One provider call of a generation, numbered like runGeneration numbers them. */
    async call(gen: Generation, { micros, at, failed = false }: { micros: number; at: Date; failed?: boolean }) {
      const n = (calls.get(gen.id) ?? 0) + 1;
      calls.set(gen.id, n);
      const version = await db.select().from(presetVersions).where(eq(presetVersions.id, gen.presetVersionId)).limit(1);
      await db.update(generations).set({ attempts: n }).where(eq(generations.id, gen.id));
      const purpose: LedgerPurpose = ledgerPurpose(gen, n);
      await db.insert(costLedger).values({
        callKey: `${gen.id}:generate:${n}`,
        generationId: gen.id,
        providerId: version[0]!.providerId,
        presetVersionId: gen.presetVersionId,
        userId: gen.ownerId,
        operation: "generate",
        engine: "a1111",
        outcome: failed ? "failed" : "succeeded",
        billable: micros > 0,
        micros,
        errorKind: failed ? "transient" : null,
        purpose,
        batchId: gen.batchId,
        lineageRootId: gen.lineageRootId ?? gen.id,
        createdAt: at,
      });
    },

    /** The generation succeeded: the asset, version 1 and its check run, as the success transaction makes them. */
    async succeed(gen: Generation, { providerMs = 1000 }: { providerMs?: number } = {}) {
      const [version] = await db
        .select()
        .from(presetVersions)
        .where(eq(presetVersions.id, gen.presetVersionId))
        .limit(1);
      const [provider] = await db.select().from(providers).where(eq(providers.id, version!.providerId)).limit(1);
      return db.transaction(async (tx) => {
        const [done] = await tx
          .update(generations)
          .set({
            status: "succeeded",
            blobKey: `fixtures/${gen.id}.png`,
            finishedAt: new Date(),
            providerMs,
            metadata: {
              provider: { id: provider!.id, kind: provider!.kind, name: provider!.name },
              model: version!.model,
              loras: [],
              params: { ...version!.params, width: 1024, height: 1024 },
              timings: { queuedMs: 5, providerMs },
            },
          })
          .where(eq(generations.id, gen.id))
          .returning();
        return createAssetFromGeneration(tx, { gen: done!, blobKey: done!.blobKey!, width: 1024, height: 1024 });
      });
    },

    /** Stores a result for every check the tier runs (all pass, or one failing with its reason) and lets the checks decide. */
    async check(checkRunId: string, tier: Tier, { fail }: { fail?: string } = {}) {
      const checks = checksForTier(tier);
      const failing = fail ? (checks.find((c) => c.id === fail) ?? checks[0]!) : null;
      await db.insert(checkResults).values(
        checks.map((c) => ({
          checkRunId,
          checkId: c.id,
          checkVersion: c.version,
          verdict: c === failing ? ("fail" as const) : ("pass" as const),
          reasonCode: c === failing ? fail! : null,
          detail: c === failing ? `${fail} (fixture)` : "fixture",
          durationMs: 1,
        })),
      );
      return decideCheckRun({ db, checkRunId });
    },

    /** An editor operation's ledger row, as the editor writes it: the asset, its batch and lineage, purpose "edit". */
    async edit(
      asset: { assetId: string },
      gen: Generation,
      { micros, at, engine = "a1111" }: { micros: number; at: Date; engine?: string },
    ) {
      await db.insert(costLedger).values({
        callKey: `edit:${randomUUID()}`,
        providerId: null,
        presetVersionId: null,
        userId: gen.ownerId,
        operation: "upscale",
        engine,
        outcome: "succeeded",
        billable: micros > 0,
        micros,
        purpose: "edit",
        batchId: gen.batchId,
        lineageRootId: gen.lineageRootId ?? gen.id,
        assetId: asset.assetId,
        editId: randomUUID(),
        createdAt: at,
      });
    },

    /** Spend that belongs to no lineage (a provider connection test). */
    async overhead({
      providerId,
      userId,
      micros,
      at,
    }: {
      providerId: string;
      userId: string;
      micros: number;
      at: Date;
    }) {
      await db.insert(costLedger).values({
        callKey: `test:${randomUUID()}`,
        providerId,
        userId,
        operation: "test",
        engine: "a1111",
        outcome: "succeeded",
        billable: true,
        micros,
        createdAt: at,
      });
    },

    async generationsOf(batch: Batch) {
      return db.select().from(generations).where(eq(generations.batchId, batch.id));
    },
  };
}
