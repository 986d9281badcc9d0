import { asc, gt } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { auditEvents } from "@/db/schema";
import { GENESIS_HASH, hashAuditEvent } from "./hash";

export type ChainReport =
  { ok: true; checked: number; headHash: string } | { ok: false; checked: number; brokenAt: number; reason: string };

/** Where a walk ends: the last entry it checked (seq 0 and the genesis hash when there was none). */
export type WalkResult =
  | { ok: true; checked: number; headSeq: number; headHash: string }
  | { ok: false; checked: number; brokenAt: number; reason: string };

const PAGE = 1000;

/**
 * Walks the chain in order from the entry after `afterSeq`, whose previous-hash must be `prevHash`,
 * and reports the first row whose link or content does not match. The full walk starts at the
 * genesis; the incremental one (checkpoints.ts) at a verified checkpoint.
 */
export async function walkAuditChain({
  db,
  afterSeq = 0,
  prevHash = GENESIS_HASH,
}: {
  db: DbExecutor;
  afterSeq?: number;
  prevHash?: string;
}): Promise<WalkResult> {
  let lastSeq = afterSeq;
  let checked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.seq, lastSeq))
      .orderBy(asc(auditEvents.seq))
      .limit(PAGE);
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return { ok: false, checked, brokenAt: row.seq, reason: "its previous-hash does not match the row before it" };
      }
      const expected = hashAuditEvent({ ...row, data: row.data ?? {} });
      if (expected !== row.hash) {
        return { ok: false, checked, brokenAt: row.seq, reason: "its content does not match its hash" };
      }
      prevHash = row.hash;
      lastSeq = row.seq;
      checked += 1;
    }
    if (rows.length < PAGE) return { ok: true, checked, headSeq: lastSeq, headHash: prevHash };
  }
}

/** Walks the whole chain from the first entry (`npm run audit:verify`). */
export async function verifyAuditChain({ db }: { db: DbExecutor }): Promise<ChainReport> {
  const walk = await walkAuditChain({ db });
  return walk.ok ? { ok: true, checked: walk.checked, headHash: walk.headHash } : walk;
}
