import { asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbExecutor } from "@/db";
import { generationMoves, providers } from "@/db/schema";

export type BatchMove = {
  generationId: string;
  from: string;
  to: string;
  cause: "failover" | "manual";
  reason: string | null;
  movedAt: string;
};
/** Moves of one batch made together (same endpoints, cause, reason and moment), as the Jobs page lists them. */
export type BatchMoveGroup = BatchMove & { count: number; generationIds: string[]; text: string };

const fromP = alias(providers, "from_provider");
const toP = alias(providers, "to_provider");

/** Every move of the batch's generations, oldest first, with the endpoints' names. */
export async function listBatchMoves(db: DbExecutor, batchId: string): Promise<BatchMoveGroup[]> {
  const rows = await db
    .select({ m: generationMoves, from: fromP.name, to: toP.name })
    .from(generationMoves)
    .leftJoin(fromP, eq(fromP.id, generationMoves.fromProviderId))
    .leftJoin(toP, eq(toP.id, generationMoves.toProviderId))
    .where(eq(generationMoves.batchId, batchId))
    .orderBy(asc(generationMoves.movedAt), asc(generationMoves.id))
    .limit(5000);
  const groups = new Map<string, BatchMoveGroup>();
  for (const { m, from, to } of rows) {
    const move: BatchMove = {
      generationId: m.generationId,
      from: from ?? "a removed endpoint",
      to: to ?? "a removed endpoint",
      cause: m.cause === "failover" ? "failover" : "manual",
      reason: m.reason,
      movedAt: m.movedAt.toISOString(),
    };
    const key = `${move.from}|${move.to}|${move.cause}|${move.reason}|${move.movedAt}`;
    const group = groups.get(key);
    if (group) {
      group.count += 1;
      group.generationIds.push(m.generationId);
    } else groups.set(key, { ...move, count: 1, generationIds: [m.generationId], text: describeMove(move) });
  }
  return [...groups.values()];
}

/** "moved from A to B (failover: 6 of 8 calls failed in 10 minutes)"; the page adds count and time. */
export function describeMove(m: Pick<BatchMove, "from" | "to" | "cause" | "reason">): string {
  const why =
    m.cause === "failover"
      ? `failover${m.reason ? `: ${m.reason}` : ""}`
      : `moved by an admin${m.reason ? `: ${m.reason}` : ""}`;
  return `moved from ${m.from} to ${m.to} (${why})`;
}
