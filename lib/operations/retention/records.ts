import { and, inArray, lt, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { signInAttempts, webhookAttempts, webhookDeliveries } from "@/db/schema";
import { deleteWhereInBatches, inBatches, rowsOf, type BatchOptions } from "./batches";

/**
 * Sign-in attempts older than `keepMs`, but never one the rate limit still counts (lib/auth/rate-limit.ts
 * looks back `windowMs`). Failed sign-ins are also in the audit log, which is never pruned.
 */
export async function pruneSignInAttempts({
  db,
  now = new Date(),
  keepMs,
  windowMs,
  ...options
}: { db: DbExecutor; now?: Date; keepMs: number; windowMs: number } & BatchOptions): Promise<number> {
  const cutoff = new Date(now.getTime() - Math.max(keepMs, windowMs));
  return deleteWhereInBatches(db, sql`${signInAttempts}`, lt(signInAttempts.at, cutoff), options);
}

/**
 * Finished webhook deliveries (succeeded, or failed for good) created before the cut-off, with their
 * attempt logs. A pending or retrying delivery is still owed to its receiver and stays.
 */
export async function pruneWebhookDeliveries({
  db,
  now = new Date(),
  keepMs,
  ...options
}: { db: DbExecutor; now?: Date; keepMs: number } & BatchOptions): Promise<{ deliveries: number; attempts: number }> {
  const cutoff = new Date(now.getTime() - keepMs);
  const finished = and(
    inArray(webhookDeliveries.status, ["succeeded", "failed"]),
    lt(webhookDeliveries.createdAt, cutoff),
  );
  return inBatches(
    ["deliveries", "attempts"] as const,
    async (n) => {
      const result = await db.execute(sql`
        with doomed as (select ${webhookDeliveries.id} from ${webhookDeliveries} where ${finished} order by ${webhookDeliveries.createdAt} limit ${n}),
        a as (delete from ${webhookAttempts} where ${webhookAttempts.deliveryId} in (select id from doomed) returning 1),
        d as (delete from ${webhookDeliveries} where ${webhookDeliveries.id} in (select id from doomed) returning 1)
        select (select count(*) from d)::int as deliveries, (select count(*) from a)::int as attempts`);
      const [row] = rowsOf<{ deliveries: number; attempts: number }>(result);
      return { deliveries: Number(row?.deliveries ?? 0), attempts: Number(row?.attempts ?? 0) };
    },
    options,
  );
}
