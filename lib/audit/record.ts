import { desc, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbExecutor, Tx } from "@/db";
import { auditEvents } from "@/db/schema";
import { together } from "@/db/together";
import type { AuditAction } from "./actions";
import { GENESIS_HASH, hashAuditEvent } from "./hash";

export type AuditActor = { id: string | null; email: string | null };

export type AuditInput = {
  actor: AuditActor | null;
  action: AuditAction;
  subject?: { type: string; id: string };
  data?: Record<string, unknown>;
  ip?: string | null;
};

/** Any constant works; it only has to be the same for every writer of the chain. */
const AUDIT_LOCK_KEY = 7_305_118;

/**
 * Appends one event to the hash chain. The transaction-scoped advisory lock serialises writers,
 * so two concurrent events can never claim the same previous hash. Inside a caller's transaction
 * it writes there directly (the lock is held to that transaction's end either way): a savepoint
 * would cost two more round trips while the audit lock and the embedded database are held.
 */
export async function recordAudit({
  db,
  input,
}: {
  db: DbExecutor;
  input: AuditInput;
}): Promise<{ seq: number; hash: string }> {
  return db instanceof PgTransaction ? appendInTurn(db as Tx, input) : db.transaction((tx) => appendEvent(tx, input));
}

/** Each transaction's append in flight, so a second one started before the first wrote its row waits for it. */
const appending = new WeakMap<Tx, Promise<unknown>>();

/**
 * Appends in the caller's transaction. Two appends started together in one transaction (statements
 * sent with db/together.ts) would read the same end of the chain; the second waits for the first
 * instead. The first starts at once, so its lock and read go out with the statements beside it.
 */
function appendInTurn(tx: Tx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  const before = appending.get(tx);
  const appended = before
    ? before.then(
        () => appendEvent(tx, input),
        () => appendEvent(tx, input),
      )
    : appendEvent(tx, input);
  appending.set(tx, appended);
  return appended;
}

async function appendEvent(tx: Tx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  // The lock and the read of the chain's end travel together (db/together.ts); the read runs after the lock.
  const [, [last]] = await together(
    tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`).execute(),
    tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).execute(),
  );
  // Round-trip through JSON so what we hash is exactly what jsonb will give back.
  const data = JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>;
  const fields = {
    prevHash: last?.hash ?? GENESIS_HASH,
    occurredAt: new Date(),
    actorId: input.actor?.id ?? null,
    actorEmail: input.actor?.email ?? null,
    action: input.action,
    subjectType: input.subject?.type ?? null,
    subjectId: input.subject?.id ?? null,
    data,
    ip: input.ip ?? null,
  };
  const hash = hashAuditEvent(fields);
  const [row] = await tx
    .insert(auditEvents)
    .values({ ...fields, hash })
    .returning({ seq: auditEvents.seq });
  return { seq: row!.seq, hash };
}
