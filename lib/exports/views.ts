import type { Readable } from "node:stream";
import { and, desc, eq, lte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { exportJobs, placements, type ExportJob } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import type { BlobStore } from "@/lib/storage/types";

const NOT_FOUND = "That export does not exist or is not yours.";

/** What the pages and the progress poll show of an export. */
export type ExportView = {
  id: string;
  name: string;
  status: ExportJob["status"];
  filesTotal: number;
  filesDone: number;
  assetsIncluded: number;
  heldBack: ExportJob["heldBack"];
  formats: string[];
  placements: string[];
  /** The same placements by slug (what the API names them by). */
  placementSlugs: string[];
  includeOriginal: boolean;
  bytes: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  downloadable: boolean;
};

type PlacementNames = Map<string, { name: string; slug: string }>;

function toView(job: ExportJob, placementNames: PlacementNames, now: Date): ExportView {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    filesTotal: job.filesTotal,
    filesDone: job.filesDone,
    assetsIncluded: job.assetsIncluded,
    heldBack: job.heldBack,
    formats: job.request.formats,
    placements: job.request.placementIds.map((id) => placementNames.get(id)?.name ?? "archived placement"),
    placementSlugs: job.request.placementIds.flatMap((id) => placementNames.get(id)?.slug ?? []),
    includeOriginal: job.request.includeOriginal,
    bytes: job.bytes,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    expiresAt: job.expiresAt?.toISOString() ?? null,
    downloadable: job.status === "succeeded" && !!job.expiresAt && job.expiresAt > now,
  };
}

async function placementNames(db: Db): Promise<PlacementNames> {
  const rows = await db.select({ id: placements.id, name: placements.name, slug: placements.slug }).from(placements);
  return new Map(rows.map((r) => [r.id, { name: r.name, slug: r.slug }]));
}

/**
 * Expired exports: their ZIP is deleted and the job marked expired. Run whenever exports are listed,
 * looked at or downloaded (lazily, no timer): an expired ZIP is refused at once either way, since
 * the download checks expires_at itself.
 */
export async function sweepExpiredExports({
  db,
  store,
  now = new Date(),
}: {
  db: Db;
  store: BlobStore;
  now?: Date;
}): Promise<number> {
  const due = await db
    .select({ id: exportJobs.id, blobKey: exportJobs.blobKey })
    .from(exportJobs)
    .where(and(eq(exportJobs.status, "succeeded"), lte(exportJobs.expiresAt, now)))
    .limit(500);
  for (const job of due) {
    if (job.blobKey) await store.delete(job.blobKey);
    await db
      .update(exportJobs)
      .set({ status: "expired" })
      .where(and(eq(exportJobs.id, job.id), eq(exportJobs.status, "succeeded")));
  }
  return due.length;
}

function assertCanExport(ctx: Ctx) {
  if (!can(ctx.actor.role, "exports.create")) throw new AppError("forbidden", "Your role does not export assets.");
}

/** My exports, newest first (admins see only their own here too: the list is personal). */
export async function listMyExports({
  ctx,
  store,
  limit = 100,
}: {
  ctx: Ctx;
  store: BlobStore;
  limit?: number;
}): Promise<ExportView[]> {
  assertCanExport(ctx);
  await sweepExpiredExports({ db: ctx.db, store });
  const rows = await ctx.db
    .select()
    .from(exportJobs)
    .where(eq(exportJobs.createdBy, ctx.actor.id))
    .orderBy(desc(exportJobs.createdAt))
    .limit(limit);
  const names = await placementNames(ctx.db);
  const now = new Date();
  return rows.map((r) => toView(r, names, now));
}

/** Where a page of exports ends: created_at as PostgreSQL prints it (microseconds kept; a JS Date would drop them) and the id. */
export type ExportPageKey = { at: string; id: string };

/**
 * My exports a page at a time, newest first, by keyset (created_at, id): no row is skipped or
 * repeated while new exports are created. `after` is the last key of the previous page.
 */
export async function listMyExportsPage({
  ctx,
  store,
  limit,
  after,
}: {
  ctx: Ctx;
  store: BlobStore;
  limit: number;
  after: ExportPageKey | null;
}): Promise<{ items: ExportView[]; next: ExportPageKey | null }> {
  assertCanExport(ctx);
  await sweepExpiredExports({ db: ctx.db, store });
  const key = sql<string>`to_char(${exportJobs.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const rows = await ctx.db
    .select({ job: exportJobs, key })
    .from(exportJobs)
    .where(
      and(
        eq(exportJobs.createdBy, ctx.actor.id),
        after
          ? sql`(${exportJobs.createdAt}, ${exportJobs.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(exportJobs.createdAt), desc(exportJobs.id))
    .limit(limit + 1);
  const kept = rows.slice(0, limit);
  const names = await placementNames(ctx.db);
  const now = new Date();
  const last = kept.at(-1);
  return {
    items: kept.map((r) => toView(r.job, names, now)),
    next: rows.length > limit && last ? { at: last.key, id: last.job.id } : null,
  };
}

/** One export, for its creator or an admin; anyone else is told it does not exist. */
async function loadOwnExport(ctx: Ctx, exportId: string): Promise<ExportJob> {
  assertCanExport(ctx);
  if (!z.string().uuid().safeParse(exportId).success) throw new AppError("not_found", NOT_FOUND);
  const [job] = await ctx.db.select().from(exportJobs).where(eq(exportJobs.id, exportId)).limit(1);
  if (!job || (job.createdBy !== ctx.actor.id && ctx.actor.role !== "admin"))
    throw new AppError("not_found", NOT_FOUND);
  return job;
}

export async function getExport({ ctx, exportId }: { ctx: Ctx; exportId: string }): Promise<ExportView> {
  const job = await loadOwnExport(ctx, exportId);
  return toView(job, await placementNames(ctx.db), new Date());
}

export type ExportDownload =
  { kind: "expired"; expiresAt: string | null } | { kind: "file"; body: Readable; size: number; filename: string };

/**
 * The ZIP as a stream, for its creator or an admin, audited (export.downloaded). Past its expiry it
 * is refused (the route answers 410 Gone) and swept; a job still running is a conflict.
 */
export async function openExportDownload({
  ctx,
  store,
  exportId,
}: {
  ctx: Ctx;
  store: BlobStore;
  exportId: string;
}): Promise<ExportDownload> {
  const job = await loadOwnExport(ctx, exportId);
  const now = new Date();
  if (job.status === "expired" || (job.status === "succeeded" && job.expiresAt && job.expiresAt <= now)) {
    await sweepExpiredExports({ db: ctx.db, store, now });
    return { kind: "expired", expiresAt: job.expiresAt?.toISOString() ?? null };
  }
  if (job.status !== "succeeded" || !job.blobKey) {
    throw new AppError(
      "conflict",
      job.status === "failed"
        ? `This export failed: ${job.error ?? "unknown reason"}`
        : "This export is not ready yet; wait for it to finish.",
    );
  }
  const blob = await store.get(job.blobKey);
  if (!blob) throw new AppError("not_found", "The export's file is missing; create the export again.");
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "export.downloaded",
      subject: { type: "export", id: job.id },
      data: { bytes: blob.size },
      ip: ctx.ip,
    },
  });
  const date = job.createdAt.toISOString().slice(0, 10);
  return { kind: "file", body: blob.body, size: blob.size, filename: `kiln-export-${date}-${job.id.slice(0, 8)}.zip` };
}
