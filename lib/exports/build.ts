import type { Readable } from "node:stream";
import { and, eq, inArray, sql } from "drizzle-orm";
import yazl from "yazl";
import type { Db } from "@/db";
import {
  assets,
  assetVersions,
  exportJobs,
  notifications,
  placements,
  type Asset,
  type AssetVersion,
  type DeliveryFormat,
  type ExportJob,
  type Placement,
  type RenditionCacheRow,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { FORMAT_INFO } from "@/lib/delivery/render";
import { getOrCreateRendition, newRenditionMemo } from "@/lib/delivery/rendition-cache";
import { env } from "@/lib/env";
import type { BlobStore } from "@/lib/storage/types";
import { webhooksAfterExport } from "@/lib/webhooks/hooks";
import { heldBackCsv, manifestCsv, manifestJson, type ManifestFile } from "./manifest";

export type ExportDeps = { db: Db; store: BlobStore };

/** Files rendered per step (rounded to whole assets): a step's work stays short, so progress moves and a retry redoes little. */
const FILES_PER_STEP = 60;
/** Inngest caps steps per run; even a 30,000-file export stays far below it. */
const MAX_RENDER_STEPS = 200;
/** Assets rendered at once within a step: sharp already uses libvips' threads; two keeps both cores busy between encodes. */
/** Assets rendered at once within a step (the benchmark gives its bare-sharp baseline the same). */
export const ASSET_PARALLELISM = 2;

export class ExportGoneError extends Error {}

async function loadJob(db: Db, exportId: string): Promise<ExportJob> {
  const [job] = await db.select().from(exportJobs).where(eq(exportJobs.id, exportId)).limit(1);
  if (!job) throw new ExportGoneError(`Export ${exportId} does not exist.`);
  return job;
}

export function filesPerAsset(job: Pick<ExportJob, "request">): number {
  return job.request.placementIds.length * job.request.formats.length + (job.request.includeOriginal ? 1 : 0);
}

/** How the job's assets are cut into render steps. */
export function renderChunks(job: Pick<ExportJob, "request">): { start: number; end: number }[] {
  const items = job.request.items ?? [];
  const perAsset = Math.max(1, filesPerAsset(job));
  const size = Math.max(1, Math.ceil(FILES_PER_STEP / perAsset), Math.ceil(items.length / MAX_RENDER_STEPS));
  const chunks = [];
  for (let start = 0; start < items.length; start += size)
    chunks.push({ start, end: Math.min(items.length, start + size) });
  return chunks;
}

/** Marks the job running; returns its chunks, or null when it is already finished (a duplicate run). */
export async function startExport(
  deps: ExportDeps,
  exportId: string,
): Promise<{ chunks: { start: number; end: number }[] } | null> {
  const job = await loadJob(deps.db, exportId);
  if (job.status !== "queued" && job.status !== "running") return null;
  await deps.db
    .update(exportJobs)
    .set({ status: "running", startedAt: sql`coalesce(${exportJobs.startedAt}, now())` })
    .where(eq(exportJobs.id, exportId));
  return { chunks: renderChunks(job) };
}

type Source = { asset: Asset; version: AssetVersion };

/** The assets and pinned versions of a slice of the job's items, in the job's order. */
async function loadSources(db: Db, items: { assetId: string; versionId: string }[]): Promise<Source[]> {
  if (!items.length) return [];
  const rows = await db
    .select({ asset: assets, version: assetVersions })
    .from(assetVersions)
    .innerJoin(assets, eq(assets.id, assetVersions.assetId))
    .where(
      inArray(
        assetVersions.id,
        items.map((i) => i.versionId),
      ),
    );
  const byVersion = new Map(rows.map((r) => [r.version.id, r]));
  return items.map((i) => {
    const r = byVersion.get(i.versionId);
    if (!r || r.asset.id !== i.assetId) throw new Error(`The pinned version of asset ${i.assetId} is gone.`);
    return r;
  });
}

async function loadPlacements(db: Db, ids: string[]): Promise<Placement[]> {
  if (!ids.length) return [];
  // Archived since creation still renders: the request was valid when made, and the row is kept for this.
  const rows = await db.select().from(placements).where(inArray(placements.id, ids));
  const byId = new Map(rows.map((p) => [p.id, p]));
  return ids.map((id) => {
    const p = byId.get(id);
    if (!p) throw new Error(`Placement ${id} is gone.`);
    return p;
  });
}

/** One planned file of the ZIP. */
type PlannedFile = { placement: Placement | null; format: DeliveryFormat; quality: number; path: string };

export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return slug || "asset";
}

/** The original's format, from the stored file's name (versions are stored as PNG, JPEG, WebP or AVIF). */
function originalFormat(version: Pick<AssetVersion, "blobKey">): DeliveryFormat {
  const ext = version.blobKey.split(".").pop()?.toLowerCase();
  if (ext === "jpg" || ext === "jpeg") return "jpeg";
  if (ext === "webp" || ext === "avif") return ext;
  return "png";
}

function plannedFiles(job: ExportJob, chosen: Placement[], src: Source): PlannedFile[] {
  const base = `${slugify(src.asset.title)}-${src.asset.id.slice(0, 8)}`;
  const files: PlannedFile[] = [];
  for (const placement of chosen) {
    for (const format of job.request.formats) {
      files.push({
        placement,
        format,
        quality: job.request.quality[format] ?? placement.defaultQuality,
        path: `${placement.slug}/${base}.${FORMAT_INFO[format].ext}`,
      });
    }
  }
  if (job.request.includeOriginal) {
    const format = originalFormat(src.version);
    files.push({
      placement: null,
      format,
      quality: job.request.quality[format] ?? 90,
      path: `original/${base}.${FORMAT_INFO[format].ext}`,
    });
  }
  return files;
}

async function renditionsFor(
  deps: ExportDeps,
  job: ExportJob,
  chosen: Placement[],
  src: Source,
): Promise<{ file: PlannedFile; row: RenditionCacheRow }[]> {
  // A new memo per asset: its decoded source is dropped once the asset is done, so memory stays flat.
  const renditionDeps = { db: deps.db, store: deps.store, memo: newRenditionMemo() };
  const out = [];
  for (const file of plannedFiles(job, chosen, src)) {
    const row = await getOrCreateRendition(renditionDeps, {
      asset: src.asset,
      version: src.version,
      size: file.placement ? { width: file.placement.width, height: file.placement.height } : null,
      format: file.format,
      quality: file.quality,
    });
    out.push({ file, row });
  }
  return out;
}

/**
 * Renders (or finds in the cache) every file of the job's assets [start, end), moving the progress
 * bar after each asset. A retried step finds its finished renditions in the cache.
 */
export async function renderExportChunk(
  deps: ExportDeps,
  exportId: string,
  chunk: { start: number; end: number },
): Promise<{ files: number }> {
  const job = await loadJob(deps.db, exportId);
  const chosen = await loadPlacements(deps.db, job.request.placementIds);
  const sources = await loadSources(deps.db, (job.request.items ?? []).slice(chunk.start, chunk.end));
  const perAsset = filesPerAsset(job);
  let next = 0;
  let done = 0;
  let files = 0;
  const worker = async () => {
    while (next < sources.length) {
      const src = sources[next++]!;
      files += (await renditionsFor(deps, job, chosen, src)).length;
      done += 1;
      const filesDone = (chunk.start + done) * perAsset;
      await deps.db
        .update(exportJobs)
        .set({ filesDone: sql`greatest(${exportJobs.filesDone}, ${filesDone})` })
        .where(eq(exportJobs.id, exportId));
    }
  };
  await Promise.all(Array.from({ length: Math.min(ASSET_PARALLELISM, sources.length) }, worker));
  return { files };
}

export function exportBlobKey(exportId: string): string {
  return `exports/${exportId}/kiln-export.zip`;
}

/**
 * Writes the ZIP as a stream into the blob store: each rendition is streamed from the store into a
 * STORED entry (they are compressed already), one at a time, so neither the ZIP nor all renditions
 * are ever in memory; the manifests (CSV, JSON) and held-back.csv close it.
 */
export async function writeExportZip(
  deps: ExportDeps,
  exportId: string,
): Promise<{ blobKey: string; bytes: number; sha256: string }> {
  const job = await loadJob(deps.db, exportId);
  const chosen = await loadPlacements(deps.db, job.request.placementIds);
  const items = job.request.items ?? [];
  const mtime = job.createdAt;
  const zip = new yazl.ZipFile();
  const manifest: ManifestFile[] = [];
  // Metadata of every file first (cache hits: one small query each); the bytes stream afterwards.
  for (let i = 0; i < items.length; i += 100) {
    for (const src of await loadSources(deps.db, items.slice(i, i + 100))) {
      for (const { file, row } of await renditionsFor(deps, job, chosen, src)) {
        manifest.push({
          assetId: src.asset.id,
          approvalId: src.asset.approvalId,
          title: src.asset.title,
          columns: src.asset.metadata ?? {},
          altText: src.asset.altTextStatus === "confirmed" ? (src.asset.altText ?? "") : "",
          placement: file.placement?.slug ?? "original",
          width: row.width,
          height: row.height,
          format: file.format,
          file: file.path,
          bytes: row.bytes,
          sha256: row.sha256,
        });
        const key = row.blobKey;
        zip.addReadStreamLazy(file.path, { compress: false, mtime, size: row.bytes }, (cb) => {
          deps.store.get(key).then(
            (blob) =>
              blob
                ? cb(null, blob.body)
                : cb(new Error(`A rendition is missing from the blob store (${key}).`), undefined as never),
            (error: unknown) => cb(error, undefined as never),
          );
        });
      }
    }
  }
  zip.addBuffer(Buffer.from(manifestCsv(manifest), "utf8"), "manifest.csv", { mtime });
  zip.addBuffer(Buffer.from(manifestJson(job, manifest), "utf8"), "manifest.json", { mtime });
  zip.addBuffer(Buffer.from(heldBackCsv(job.heldBack), "utf8"), "held-back.csv", { mtime });
  const out = zip.outputStream as unknown as Readable;
  zip.on("error", (error: Error) => out.destroy(error));
  zip.end();
  const stored = await deps.store.putStream(exportBlobKey(exportId), out, { contentType: "application/zip" });
  return { blobKey: stored.key, bytes: stored.size, sha256: stored.sha256 };
}

/** Succeeded: the ZIP's facts, its expiry, the audit entry and the creator's notification. */
export async function finishExport(
  deps: ExportDeps,
  exportId: string,
  zip: { blobKey: string; bytes: number; sha256: string },
): Promise<ExportJob> {
  const finished = await deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(exportJobs).where(eq(exportJobs.id, exportId)).for("update");
    if (!current) throw new ExportGoneError(`Export ${exportId} does not exist.`);
    if (current.status === "succeeded") return current;
    const expiresAt = new Date(Date.now() + env().KILN_EXPORT_TTL_HOURS * 3_600_000);
    const [job] = await tx
      .update(exportJobs)
      .set({
        status: "succeeded",
        blobKey: zip.blobKey,
        bytes: zip.bytes,
        sha256: zip.sha256,
        filesDone: current.filesTotal,
        finishedAt: new Date(),
        expiresAt,
        error: null,
      })
      .where(eq(exportJobs.id, exportId))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "export.succeeded",
        subject: { type: "export", id: exportId },
        data: { files: current.filesTotal, bytes: zip.bytes, sha256: zip.sha256, expiresAt: expiresAt.toISOString() },
      },
    });
    await tx.insert(notifications).values({
      userId: current.createdBy,
      kind: "export.ready",
      message: `Your export “${current.name}” is ready: ${current.filesTotal} file${current.filesTotal === 1 ? "" : "s"}, ${formatBytes(zip.bytes)}. Download it from Exports until ${expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    });
    return job!;
  });
  await webhooksAfterExport({ db: deps.db }, exportId);
  return finished;
}

/** Failed for good (retries spent): the reason in words, audited. */
export async function failExport(deps: ExportDeps, exportId: string, reason: string): Promise<void> {
  const [job] = await deps.db
    .update(exportJobs)
    .set({ status: "failed", error: reason.slice(0, 500), finishedAt: new Date() })
    .where(and(eq(exportJobs.id, exportId), inArray(exportJobs.status, ["queued", "running"])))
    .returning();
  if (!job) return;
  await recordAudit({
    db: deps.db,
    input: {
      actor: null,
      action: "export.failed",
      subject: { type: "export", id: exportId },
      data: { reason: job.error },
    },
  });
  await deps.store.delete(exportBlobKey(exportId)).catch(() => {});
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
