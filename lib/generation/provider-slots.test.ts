/**
 * Per-endpoint concurrency (providers.concurrency_limit) and the write-ahead call records behind
 * it: the slot check itself on a real database (on Postgres each claim below runs on its own
 * pooled connection, so the race is a real one), and the whole pipeline against the simulator.
 */
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { costLedger, generations, providerCalls, providers, type Generation, type Provider } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { resetEnvForTests } from "@/lib/env";
import { updateProvider } from "@/lib/providers/admin-write";
import { resetBlobStoreForTests } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { env } from "@/lib/env";
import {
  announceRelease,
  callEndedHere,
  claimProviderCall,
  interruptedCharge,
  keepProviderCallAlive,
  LEASE_MS,
  tryClaimProviderCall,
} from "./provider-slots";
import { ledgerPurpose } from "./run-generation";
import {
  batchFacts,
  batchProgress,
  freePort,
  queueDraftBatch,
  startPipeline,
  waitFor,
} from "./testing/pipeline-harness";
import { spawnSimulator } from "./testing/simulator-process";

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-slots-"));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function queuedGenerations(
  database: Database,
  n: number,
  limit: number,
): Promise<{ gens: Generation[]; provider: Provider }> {
  const { batch } = await queueDraftBatch({
    db: database.db,
    simulatorUrl: "http://127.0.0.1:9",
    rows: n,
    variantsPerRow: 1,
    concurrencyLimit: limit,
    key: `slots-${n}-${limit}`,
  });
  const gens = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
  const [provider] = await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG));
  return { gens, provider: provider! };
}

function claimInput(gen: Generation, provider: Provider, presetVersionId: string) {
  return {
    gen,
    provider,
    ledger: (callNumber: number) => ({
      callKey: `${gen.id}:generate:${callNumber}`,
      generationId: gen.id,
      providerId: provider.id,
      presetVersionId,
      userId: gen.ownerId,
      operation: "generate",
      engine: provider.kind,
      batchId: gen.batchId,
      lineageRootId: gen.lineageRootId ?? gen.id,
      purpose: ledgerPurpose(gen, callNumber),
      ifInterrupted: interruptedCharge(provider.kind, { kind: "per_image", microsPerImage: 1_000 }, gen),
    }),
  };
}

describe("the endpoint's slot check", () => {
  it("lets exactly concurrency_limit calls in at once, however many ask together", { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    const { gens, provider } = await queuedGenerations(database, 6, 2);
    const claims = await Promise.all(
      gens.map((g) => tryClaimProviderCall(database.db, claimInput(g, provider, g.presetVersionId))),
    );
    expect(claims.filter(Boolean)).toHaveLength(2);
    const open = await database.db
      .select()
      .from(providerCalls)
      .where(sql`ended_at IS NULL`);
    expect(open).toHaveLength(2);
    // Only the two that got a slot claimed a call number.
    const attempts = (await database.db.select({ a: generations.attempts }).from(generations)).map((r) => r.a).sort();
    expect(attempts).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it("caps an endpoint's own limit at KILN_PROVIDER_CONCURRENCY", { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    const ceiling = env().KILN_PROVIDER_CONCURRENCY;
    const { gens, provider } = await queuedGenerations(database, ceiling + 3, ceiling + 2);
    const claims = await Promise.all(
      gens.map((g) => tryClaimProviderCall(database.db, claimInput(g, provider, g.presetVersionId))),
    );
    expect(claims.filter(Boolean)).toHaveLength(ceiling);
  });

  it(
    "gives a crashed holder's slot back when its lease expires, with one interrupted ledger row for its call",
    { timeout: 60_000 },
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const { gens, provider } = await queuedGenerations(database, 3, 1);
      const [a, b, c] = gens as [Generation, Generation, Generation];
      const held = await tryClaimProviderCall(database.db, claimInput(a, provider, a.presetVersionId));
      expect(held).toBeTruthy();
      // The holder "crashes": nothing ends its call. While its lease runs, the slot stays taken.
      expect(await tryClaimProviderCall(database.db, claimInput(b, provider, b.presetVersionId))).toBeUndefined();
      await database.db
        .update(providerCalls)
        .set({ leaseExpiresAt: new Date(Date.now() - 1_000) })
        .where(eq(providerCalls.callKey, held!.callKey));
      const next = await tryClaimProviderCall(database.db, claimInput(b, provider, b.presetVersionId));
      expect(next).toBeTruthy();
      const rows = await database.db.select().from(costLedger).where(eq(costLedger.callKey, held!.callKey));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        outcome: "interrupted",
        errorKind: "interrupted",
        billable: false, // self-hosted (the simulator speaks A1111): an interrupted call bills nothing
        micros: 0,
        generationId: a.id,
        providerId: provider.id,
        batchId: a.batchId,
        lineageRootId: a.id,
        purpose: "first_attempt",
        engine: "a1111",
      });
      // The slot is b's now; c waits. Asking again writes no second row for a's call.
      expect(await tryClaimProviderCall(database.db, claimInput(c, provider, c.presetVersionId))).toBeUndefined();
      expect(await database.db.select().from(costLedger).where(eq(costLedger.callKey, held!.callKey))).toHaveLength(1);
    },
  );

  it(
    "keeps a live holder's slot by renewing its lease, and stops renewing once told (or once the call has ended)",
    { timeout: 60_000 },
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const { gens, provider } = await queuedGenerations(database, 2, 1);
      const [a, b] = gens as [Generation, Generation];
      const leaseOf = async (callKey: string) =>
        (await database.db.select().from(providerCalls).where(eq(providerCalls.callKey, callKey)))[0]!;
      const before = Date.now();
      const held = (await tryClaimProviderCall(database.db, claimInput(a, provider, a.presetVersionId)))!;
      // The lease is short (not the provider's timeout): a killed holder frees its slot within LEASE_MS.
      const first = (await leaseOf(held.callKey)).leaseExpiresAt.getTime();
      expect(first).toBeGreaterThanOrEqual(before + LEASE_MS - 1_000);
      expect(first).toBeLessThanOrEqual(Date.now() + LEASE_MS + 1_000);
      vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
      try {
        const stop = keepProviderCallAlive(database.db, held.callKey);
        // As if the holder's lease had almost run out: the next renewal pushes it a whole lease ahead.
        await database.db
          .update(providerCalls)
          .set({ leaseExpiresAt: new Date(Date.now() + 500) })
          .where(eq(providerCalls.callKey, held.callKey));
        vi.advanceTimersByTime(LEASE_MS / 4);
        await waitFor(
          async () => (await leaseOf(held.callKey)).leaseExpiresAt.getTime() > Date.now() + LEASE_MS / 2,
          10_000,
          "the renewed lease",
        );
        // A live holder keeps its slot past the old expiry.
        expect(await tryClaimProviderCall(database.db, claimInput(b, provider, b.presetVersionId))).toBeUndefined();
        stop();
        await database.db
          .update(providerCalls)
          .set({ leaseExpiresAt: new Date(Date.now() - 1_000) })
          .where(eq(providerCalls.callKey, held.callKey));
        vi.advanceTimersByTime(LEASE_MS);
        await new Promise((r) => setTimeout(r, 200));
        // Stopped: nothing renews it, so the slot goes to the next claimer.
        expect((await leaseOf(held.callKey)).leaseExpiresAt.getTime()).toBeLessThan(Date.now());
        expect(await tryClaimProviderCall(database.db, claimInput(b, provider, b.presetVersionId))).toBeTruthy();
        // An ended call is never renewed back to life.
        const ended = (await leaseOf(held.callKey)).leaseExpiresAt.getTime();
        const stopAgain = keepProviderCallAlive(database.db, held.callKey);
        vi.advanceTimersByTime(LEASE_MS / 4);
        await new Promise((r) => setTimeout(r, 200));
        stopAgain();
        expect((await leaseOf(held.callKey)).leaseExpiresAt.getTime()).toBe(ended);
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it(
    "ledgers a generation's own unfinished call when its step runs again (the earlier execution died)",
    { timeout: 60_000 },
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const { gens, provider } = await queuedGenerations(database, 1, 1);
      const gen = gens[0]!;
      const first = await tryClaimProviderCall(database.db, claimInput(gen, provider, gen.presetVersionId));
      const [again] = await database.db.select().from(generations).where(eq(generations.id, gen.id));
      const second = await tryClaimProviderCall(database.db, claimInput(again!, provider, gen.presetVersionId));
      expect(second).toMatchObject({ callNumber: 2, ledger: { purpose: "retry" } });
      const rows = await database.db.select().from(costLedger).where(eq(costLedger.generationId, gen.id));
      expect(rows.map((r) => [r.callKey, r.outcome])).toEqual([[first!.callKey, "interrupted"]]);
    },
  );

  it("bills an interrupted call per the provider's rule: nothing on self-hosted endpoints, the price on cloud ones", () => {
    const size = { width: 1024, height: 1024 };
    expect(interruptedCharge("a1111", { kind: "per_image", microsPerImage: 5_000 }, size)).toEqual({
      billable: false,
      micros: 0,
    });
    expect(interruptedCharge("comfyui", { kind: "per_megapixel", microsPerMegapixel: 5_000 }, size)).toEqual({
      billable: false,
      micros: 0,
    });
    expect(
      interruptedCharge(
        "replicate",
        { kind: "per_gpu_second", microsPerGpuSecond: 1_000, expectedGpuSeconds: 4 },
        size,
      ),
    ).toEqual({ billable: true, micros: 4_000 });
    expect(interruptedCharge("openai", { kind: "per_image", microsPerImage: 40_000 }, size)).toEqual({
      billable: true,
      micros: 40_000,
    });
  });
});

describe("steps waiting for a full endpoint", () => {
  /** The database with its transactions counted: each is one claim attempt. */
  const counted = (database: Database) => {
    const tries = { n: 0 };
    const db = new Proxy(database.db, {
      get(target, key, receiver) {
        if (key === "transaction")
          return (...args: Parameters<Database["db"]["transaction"]>) => (tries.n++, target.transaction(...args));
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    return { db, tries };
  };

  it(
    "look again one at a time, not each every second, and the first finds a slot freed by another process",
    { timeout: 60_000 },
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const { gens, provider } = await queuedGenerations(database, 7, 1);
      const [holder, ...rest] = gens as [Generation, ...Generation[]];
      const held = (await tryClaimProviderCall(database.db, claimInput(holder, provider, holder.presetVersionId)))!;
      const { db, tries } = counted(database);
      const started = Date.now();
      // Six steps wait 2.5 s each on an endpoint whose one slot stays taken.
      const waits = rest.map((g) =>
        claimProviderCall(db, { ...claimInput(g, provider, g.presetVersionId), waitMs: 2_500 }),
      );
      expect(await Promise.all(waits)).toEqual(rest.map(() => undefined));
      const seconds = (Date.now() - started) / 1000;
      // Each step tries when it starts and once more when its wait ends (12); in between, about one try a
      // second for the whole line. Each step looking every second made 6 + 6 × 2 + 6 = 24.
      expect(tries.n).toBeGreaterThanOrEqual(12 + 1);
      expect(tries.n).toBeLessThanOrEqual(12 + Math.ceil(seconds) + 1);

      // Another process ends the held call (no release announced here): the first in line finds its slot.
      tries.n = 0;
      const waiter = rest[0]!;
      const waitingStep = claimProviderCall(db, {
        ...claimInput(waiter, provider, waiter.presetVersionId),
        waitMs: 5_000,
      });
      await new Promise((r) => setTimeout(r, 100));
      await database.db
        .update(providerCalls)
        .set({ endedAt: new Date() })
        .where(eq(providerCalls.callKey, held.callKey));
      const freed = Date.now();
      expect(await waitingStep).toMatchObject({ callNumber: 1 });
      expect(Date.now() - freed).toBeLessThan(2_000);
    },
  );
  it(
    "a step does not try a claim while this process's own calls take every slot, and gets the slot they free",
    { timeout: 60_000 },
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const { gens, provider } = await queuedGenerations(database, 2, 1);
      const [holder, next] = gens as [Generation, Generation];
      const held = (await claimProviderCall(database.db, {
        ...claimInput(holder, provider, holder.presetVersionId),
        waitMs: 1_000,
      }))!;
      const { db, tries } = counted(database);
      const nextStep = claimProviderCall(db, { ...claimInput(next, provider, next.presetVersionId), waitMs: 5_000 });
      await new Promise((r) => setTimeout(r, 300));
      // Nobody else waits, but this process holds the endpoint's one slot: no claim that had to fail.
      expect(tries.n).toBe(0);
      await database.db
        .update(providerCalls)
        .set({ endedAt: new Date() })
        .where(eq(providerCalls.callKey, held.callKey));
      callEndedHere(provider.id);
      announceRelease(provider.id);
      expect(await nextStep).toMatchObject({ callKey: `${next.id}:generate:1` });
      expect(tries.n).toBe(1);
      callEndedHere(provider.id);
    },
  );
  it(
    "a step that arrives while others wait queues behind them: a freed slot goes to the longest-waiting",
    {
      timeout: 60_000,
    },
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const { gens, provider } = await queuedGenerations(database, 3, 1);
      const [holder, first, late] = gens as [Generation, Generation, Generation];
      const held = (await tryClaimProviderCall(database.db, claimInput(holder, provider, holder.presetVersionId)))!;
      const { db, tries } = counted(database);
      const firstStep = claimProviderCall(db, { ...claimInput(first, provider, first.presetVersionId), waitMs: 3_000 });
      await new Promise((r) => setTimeout(r, 200));
      expect(tries.n).toBe(1);
      const lateStep = claimProviderCall(db, { ...claimInput(late, provider, late.presetVersionId), waitMs: 1_500 });
      await new Promise((r) => setTimeout(r, 200));
      // The late step made no claim that had to fail.
      expect(tries.n).toBe(1);
      // The holder's call ends here (its ledger row committed) and the release is announced.
      await database.db
        .update(providerCalls)
        .set({ endedAt: new Date() })
        .where(eq(providerCalls.callKey, held.callKey));
      announceRelease(provider.id);
      expect(await firstStep).toMatchObject({ callKey: `${first.id}:generate:1` });
      expect(await lateStep).toBeUndefined();
    },
  );
});

describe("a batch on an endpoint limited to 2 calls at once", () => {
  it("never has more than 2 calls at the simulator, and a raised limit takes effect while it runs", async () => {
    // The static per-endpoint bound is higher on purpose: the endpoint's own limit must hold.
    vi.stubEnv("KILN_PROVIDER_CONCURRENCY", "6");
    vi.stubEnv("KILN_USER_GENERATIONS_PER_MINUTE", "100000");
    vi.stubEnv("KILN_RUNNER_PORT", String(await freePort()));
    vi.stubEnv("KILN_DATA_DIR", path.join(tmp, "pipeline"));
    vi.stubEnv("INNGEST_DEV", "");
    resetEnvForTests();
    resetBlobStoreForTests();
    cleanups.push(() => (vi.unstubAllEnvs(), resetEnvForTests(), resetBlobStoreForTests()));

    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    // A long call next to the per-image work around it, so a held slot is mostly a call at the simulator.
    const sim = await spawnSimulator({ latencyMs: 1_000 });
    cleanups.push(() => sim.close());
    const pipeline = await startPipeline({ database, runnerPort: Number(process.env.KILN_RUNNER_PORT) });
    cleanups.push(() => pipeline.close());
    const { batch, ctx } = await queueDraftBatch({
      db: database.db,
      simulatorUrl: sim.url,
      rows: 10,
      variantsPerRow: 4,
      concurrencyLimit: 2,
      key: "slots-pipeline",
    });

    await pipeline.start(ctx, batch.id);
    await waitFor(
      async () => (await batchProgress(database.db, batch.id)).terminal >= 8,
      90_000,
      "8 images at limit 2",
    );
    expect((await sim.stats()).peakOpen).toBe(2);

    // An admin raises the limit on /admin/providers; waiting steps pick it up without a restart.
    const admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
    const [provider] = await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG));
    await updateProvider({ ctx: admin, input: { providerId: provider!.id, concurrencyLimit: "4" } });
    await sim.reset();
    // Once in a full-suite run on a loaded Postgres this wait ran out (alone it takes ~10 s): say where it stood.
    let last: Awaited<ReturnType<typeof batchProgress>> | undefined;
    const open = async () =>
      (
        await database.db
          .select()
          .from(providerCalls)
          .where(sql`ended_at IS NULL`)
      ).length;
    await waitFor(
      async () => (last = await batchProgress(database.db, batch.id)).batchStatus === "completed",
      240_000,
      "the batch to complete",
      250,
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: ${JSON.stringify(last)}, open calls ${await open()}, simulator ${JSON.stringify(await sim.stats())}`,
      );
    });
    const after = await sim.stats();
    expect(after.peakOpen).toBeGreaterThan(2);
    expect(after.peakOpen).toBeLessThanOrEqual(4);

    const facts = await batchFacts(database.db, batch.id);
    expect(facts.gens.every((g) => g.status === "succeeded")).toBe(true);
    // One ledger row per call, every call record ended.
    expect(facts.ledger).toHaveLength(40);
    expect(await open()).toBe(0);
  }, 420_000);
});
