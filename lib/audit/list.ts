import { and, desc, eq, like, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { auditEvents, type AuditEvent } from "@/db/schema";
import { parseInput } from "@/lib/errors";

const listInput = z.object({
  before: z.coerce.number().int().positive().optional(),
  action: z.string().max(100).optional(),
  actorEmail: z.string().max(254).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Newest first, keyset-paginated by sequence number. */
export async function listAuditEvents({ db, input }: { db: DbExecutor; input: unknown }): Promise<AuditEvent[]> {
  const q = parseInput(listInput, input);
  const where: SQL[] = [];
  if (q.before) where.push(lt(auditEvents.seq, q.before));
  if (q.action) where.push(like(auditEvents.action, `${q.action}%`));
  if (q.actorEmail) where.push(eq(auditEvents.actorEmail, q.actorEmail.toLowerCase()));
  return db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.seq))
    .limit(q.limit);
}
