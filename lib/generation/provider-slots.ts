/**
 * Per-endpoint concurrency and the write-ahead record of every provider call (decision
 * 0006-provider-call-slots). A `provider_calls` row is both: it is committed before the HTTP
 * request goes out, it holds one of the endpoint's `concurrency_limit` slots while open, and it
 * is ended in the transaction that writes the call's ledger row. The slot check runs under a row
 * lock on the provider, so the limit holds across processes (Postgres) as well as in one (PGlite).
 */
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";
import { together } from "@/db/together";
import {
  costLedger,
  generations,
  providerCalls,
  providers,
  type Generation,
  type Provider,
  type ProviderCall,
  type ProviderCallLedger,
} from "@/db/schema";
import { endpointCallLimit } from "./calls-in-flight";
import { costOfCall, type PriceModel } from "@/lib/costs/estimate";

/**
 * How long a call's slot stays held without a sign of life from its holder. A live holder renews
 * it every LEASE_RENEW_MS while the request runs and until its ledger row commits
 * (`keepProviderCallAlive`), so a long GPU call keeps its slot, and a process killed mid-call gives
 * its slots back within this time instead of the provider's timeout plus a grace.
 */
export const LEASE_MS = 60_000;
/** A quarter of the lease: three renewals can be late (a busy event loop, a slow commit) before the slot is at risk. */
const LEASE_RENEW_MS = LEASE_MS / 4;
/**
 * How often this process looks again for an endpoint's waiting steps without a local wake-up (another
 * process's release, an expired lease, a raised limit). One look wakes the longest-waiting step only:
 * a queue of waiters costs one claim attempt a second, not one each (at C = 16, 16 waiters made one
 * failed claim transaction per generated image: ~7 ms of the embedded database's ~110 ms per image).
 */
const RECHECK_MS = 1_000;

/** Self-hosted endpoints: our own GPUs, so a call that never answered costs no provider money. */
const SELF_HOSTED = new Set<Provider["kind"]>(["a1111", "comfyui"]);

/**
 * The billing rule for a call cut by a crash (outcome "interrupted"): self-hosted endpoints
 * (A1111/Forge, ComfyUI, the simulator) bill nothing. Cloud providers keep running a request
 * whose client went away and bill it as if it had completed, so the row is billable at the
 * preset's price (per-GPU-second prices at the preset's expected GPU time — the real time is
 * unknown once the client is gone).
 */
export function interruptedCharge(
  kind: Provider["kind"],
  priceModel: PriceModel,
  size: { width: number; height: number },
): { billable: boolean; micros: number } {
  if (SELF_HOSTED.has(kind)) return { billable: false, micros: 0 };
  return { billable: true, micros: costOfCall(priceModel, size) };
}

export type ClaimedCall = { callKey: string; callNumber: number; ledger: ProviderCallLedger };

type ClaimInput = {
  gen: Generation;
  provider: Provider;
  /** The call's ledger fields (and its charge if interrupted), from its call number. */
  ledger: (callNumber: number) => ProviderCallLedger;
};

/**
 * One try at a slot: under the provider's row lock, ledger the calls whose holder is gone (this
 * generation's own open call — its step is running again, so the earlier execution died — and,
 * when the endpoint is full, any call past its lease), then, if fewer than `concurrency_limit`
 * calls are open, claim the generation's next call number and write the call's record.
 * Returns undefined when full.
 */
export async function tryClaimProviderCall(db: Db, input: ClaimInput): Promise<ClaimedCall | undefined> {
  const { gen, provider } = input;
  let spare = false;
  const claimed = await db.transaction(async (tx) => {
    const lock = tx
      .select({ limit: providers.concurrencyLimit })
      .from(providers)
      .where(eq(providers.id, provider.id))
      // NO KEY UPDATE: claims on one endpoint queue behind each other, while the foreign-key checks of
      // ledger and call inserts (KEY SHARE on this row) never wait for a claim.
      .for("no key update")
      .execute();
    // Only a generation that was claimed before can have an open call of its own; otherwise the
    // count travels with the lock (db/together.ts) and runs after it.
    const [[locked], counted] = await together(
      lock,
      gen.status === "running" ? ledgerInterruptedCallsOf(tx, gen.id).then(() => null) : openCalls(tx, provider.id),
    );
    const limit = endpointCallLimit(locked?.limit ?? provider.concurrencyLimit);
    let open = counted ?? (await openCalls(tx, provider.id));
    // Full: are some of those holders gone? Their leases tell (checked only then, to keep the common claim short).
    if (
      open >= limit &&
      (await ledgerInterruptedCalls(
        tx,
        and(eq(providerCalls.providerId, provider.id), lt(providerCalls.leaseExpiresAt, new Date())),
      ))
    ) {
      open = await openCalls(tx, provider.id);
    }
    if (open >= limit) return undefined;
    // More slots free than this claim takes (a raised limit, an expired lease): wake the next waiter too.
    spare = open + 1 < limit;
    // Every provider call gets its own number, so each writes its own ledger row: a retry, a
    // re-run of a dead-lettered row, or a step repeated after a crash is a new call.
    const [claimed] = await tx
      .update(generations)
      .set({ status: "running", attempts: sql`${generations.attempts} + 1`, startedAt: gen.startedAt ?? new Date() })
      .where(eq(generations.id, gen.id))
      .returning({ callNumber: generations.attempts });
    const callNumber = claimed!.callNumber;
    const ledger = input.ledger(callNumber);
    await tx.insert(providerCalls).values({
      callKey: ledger.callKey,
      providerId: provider.id,
      generationId: gen.id,
      ledger,
      leaseExpiresAt: new Date(Date.now() + LEASE_MS),
    });
    return { callKey: ledger.callKey, callNumber, ledger };
  });
  if (claimed && spare) announceRelease(provider.id);
  return claimed;
}

/**
 * Claims a call slot, waiting inside the step for up to `waitMs`, in line behind this process's
 * other waiting steps (the first is woken at once by a release in this process, and looks again
 * every second otherwise). Undefined when no slot came free in time: the caller then waits durably
 * (step.sleep) and tries again, so a long queue costs no runner slots for long.
 */
export async function claimProviderCall(
  db: Db,
  input: ClaimInput & { waitMs: number },
): Promise<ClaimedCall | undefined> {
  const until = Date.now() + input.waitMs;
  const providerId = input.provider.id;
  // The endpoint is full as far as this process knows: steps of this process already wait for it, or
  // this process's own calls take all of its slots. This one queues instead of trying first (a claim
  // that would fail, and a slot taken from the step that has waited longest). A bench:pipeline trace
  // showed ~0.4 failed claim transactions per image from steps that found nobody waiting.
  if (
    waiting.get(providerId)?.queue.length ||
    heldHere(providerId) >= endpointCallLimit(input.provider.concurrencyLimit)
  )
    await waitForRelease(providerId, input.waitMs);
  for (;;) {
    const claimed = await tryClaimProviderCall(db, input);
    if (claimed) {
      callsHeldHere.set(providerId, heldHere(providerId) + 1);
      return claimed;
    }
    const left = until - Date.now();
    if (left <= 0) return undefined;
    await waitForRelease(providerId, left);
  }
}

/** The cost_ledger columns of a call record (everything but its charge-if-interrupted). */
export function ledgerFields(record: ProviderCallLedger): Omit<ProviderCallLedger, "ifInterrupted"> {
  const { ifInterrupted: _charge, ...fields } = record;
  return fields;
}

async function openCalls(tx: DbExecutor, providerId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(providerCalls)
    .where(and(eq(providerCalls.providerId, providerId), isNull(providerCalls.endedAt)))
    .execute();
  return row?.n ?? 0;
}

/**
 * Renews a claimed call's lease every LEASE_RENEW_MS until the returned stop function runs (call it
 * once the call's ledger row has committed, success or failure). A renewal that fails (the
 * database unreachable for a moment) is retried at the next tick; a call that has ended (ledgered
 * by its holder, or as interrupted by a claimer that saw its lease run out) is left alone.
 */
export function keepProviderCallAlive(db: Db, callKey: string, onError?: (error: unknown) => void): () => void {
  let stopped = false;
  const renew = async () => {
    try {
      await db
        .update(providerCalls)
        .set({ leaseExpiresAt: new Date(Date.now() + LEASE_MS) })
        .where(and(eq(providerCalls.callKey, callKey), isNull(providerCalls.endedAt)));
    } catch (error) {
      if (!stopped) onError?.(error);
    }
  };
  const timer = setInterval(() => void renew(), LEASE_RENEW_MS);
  timer.unref?.();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Ends a call's record; run in the transaction that writes its ledger row. */
export async function endProviderCall(tx: DbExecutor, callKey: string): Promise<void> {
  // Started at the call (.execute()), so it can travel with the transaction's other statements (db/together.ts).
  await tx
    .update(providerCalls)
    .set({ endedAt: new Date() })
    .where(and(eq(providerCalls.callKey, callKey), isNull(providerCalls.endedAt)))
    .execute();
}

/**
 * Per endpoint: the calls claimed through claimProviderCall in this process and not yet ended here
 * (callEndedHere). Exact for this process; other processes' calls are not in it, so it only ever
 * says "full" when the endpoint is.
 */
const callsHeldHere = new Map<string, number>();

function heldHere(providerId: string): number {
  return callsHeldHere.get(providerId) ?? 0;
}

/** A call claimed with claimProviderCall has ended in this process (its step is past it, whatever the outcome). */
export function callEndedHere(providerId: string): void {
  const left = heldHere(providerId) - 1;
  if (left > 0) callsHeldHere.set(providerId, left);
  else callsHeldHere.delete(providerId);
}

/** Tells one step of this process waiting for the endpoint that a slot came free (after the commit). */
export function announceRelease(providerId: string): void {
  waiting.get(providerId)?.queue[0]?.();
}

/**
 * Ledgers open calls matching `where` as "interrupted" (each exactly once: the ledger's call key is
 * unique, and the record is ended in the same transaction) and ends their records.
 */
export async function ledgerInterruptedCalls(tx: DbExecutor, where: ReturnType<typeof and>): Promise<number> {
  const stale: ProviderCall[] = await tx
    .select()
    .from(providerCalls)
    .where(and(isNull(providerCalls.endedAt), where))
    .execute();
  for (const call of stale) {
    const { billable, micros } = call.ledger.ifInterrupted;
    await tx
      .insert(costLedger)
      .values({ ...ledgerFields(call.ledger), outcome: "interrupted", billable, micros, errorKind: "interrupted" })
      .onConflictDoNothing();
    await endProviderCall(tx, call.callKey);
  }
  return stale.length;
}

/** Ledgers a generation's open calls as interrupted (its run is ending; nothing will resume them). */
export async function ledgerInterruptedCallsOf(tx: DbExecutor, generationId: string): Promise<number> {
  return ledgerInterruptedCalls(tx, eq(providerCalls.generationId, generationId));
}

/** Per endpoint: this process's steps waiting for a slot, longest-waiting first, and the timer that looks again for them. */
const waiting = new Map<string, { queue: Array<() => void>; recheck: NodeJS.Timeout }>();

/**
 * Waits until a slot may have come free: a release in this process (announceRelease), this
 * endpoint's recheck when this step is first in line, or `ms`. A step that then finds the endpoint
 * full again joins the back of the line.
 */
function waitForRelease(providerId: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let line = waiting.get(providerId);
    if (!line) {
      line = { queue: [], recheck: setInterval(() => announceRelease(providerId), RECHECK_MS) };
      line.recheck.unref?.();
      waiting.set(providerId, line);
    }
    const own = line;
    const done = () => {
      clearTimeout(timer);
      const i = own.queue.indexOf(done);
      if (i >= 0) own.queue.splice(i, 1);
      if (!own.queue.length && waiting.get(providerId) === own) {
        clearInterval(own.recheck);
        waiting.delete(providerId);
      }
      resolve();
    };
    const timer = setTimeout(done, ms);
    own.queue.push(done);
  });
}
