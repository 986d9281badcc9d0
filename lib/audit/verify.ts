import { asc, gt } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { auditEvents } from "@/db/schema";
import { GENESIS_HASH, hashAuditEvent } from "./hash";

export type ChainReport = { ok: true; checked: number; headHash: string } | { ok: false; checked: number; brokenAt: number; reason: string };

const PAGE = 1000;

/** Walks the whole chain in order and reports the first row whose link or content does not match. */
export async function verifyAuditChain({ db }: { db: DbExecutor }): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.select().from(auditEvents).where(gt(auditEvents.seq, lastSeq)).orderBy(asc(auditEvents.seq)).limit(PAGE);
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
    if (rows.length < PAGE) return { ok: true, checked, headHash: prevHash };
  }
}
