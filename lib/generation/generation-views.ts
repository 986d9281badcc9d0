import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { assets, batches, generations, type Generation } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { batchesVisibleTo, getBatchSummary } from "./batch-views";

/** A generation as the public API shows it: the row, and the asset it made (null until it succeeded). */
export type GenerationView = Generation & { assetId: string | null };

const columns = { generation: generations, assetId: assets.id };

export async function getGenerationView({
  ctx,
  generationId,
}: {
  ctx: Ctx;
  generationId: string;
}): Promise<GenerationView> {
  if (!z.string().uuid().safeParse(generationId).success)
    throw new AppError("not_found", "That generation does not exist.");
  const [row] = await ctx.db
    .select(columns)
    .from(generations)
    .innerJoin(batches, eq(batches.id, generations.batchId))
    .leftJoin(assets, eq(assets.generationId, generations.id))
    .where(and(eq(generations.id, generationId), batchesVisibleTo(ctx)))
    .limit(1);
  if (!row) throw new AppError("not_found", "That generation does not exist or is not yours.");
  return { ...row.generation, assetId: row.assetId };
}

/**
 * One page of a batch's generations in file order (row line, then variant), re-rolls after the
 * work they replace (they are created later). The key is the last generation's (created, id);
 * its line and variant are looked up, so the cursor stays the API's plain (time, id) pair.
 * Fetches `limit` rows; ask for one more to learn whether there is a next page.
 */
export async function listBatchGenerationsPage({
  ctx,
  batchId,
  limit,
  after,
}: {
  ctx: Ctx;
  batchId: string;
  limit: number;
  after?: { at: string; id: string } | null;
}): Promise<GenerationView[]> {
  await getBatchSummary({ ctx, batchId }); // not_found unless the actor may see the batch
  const created = sql`date_trunc('milliseconds', ${generations.createdAt})`;
  const rows = await ctx.db
    .select(columns)
    .from(generations)
    .leftJoin(assets, eq(assets.generationId, generations.id))
    .where(
      and(
        eq(generations.batchId, batchId),
        after
          ? sql`(${created}, ${generations.rowLine}, ${generations.variantIndex}, ${generations.id}) > (${after.at}::timestamptz,
              (select row_line from generations where id = ${after.id}::uuid), (select variant_index from generations where id = ${after.id}::uuid), ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(created), asc(generations.rowLine), asc(generations.variantIndex), asc(generations.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.generation, assetId: r.assetId }));
}
