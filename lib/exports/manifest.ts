import type { ExportJob, HeldBackAsset } from "@/db/schema";
import { toCsv } from "@/lib/csv/safe-csv";

/** One file of the ZIP as the manifest lists it. */
export type ManifestFile = {
  assetId: string;
  approvalId: string | null;
  title: string;
  /** Carried CSV columns (SKU, category, …): assets.metadata. */
  columns: Record<string, string>;
  altText: string;
  placement: string;
  width: number;
  height: number;
  format: string;
  file: string;
  bytes: number;
  sha256: string;
};

/** Carried columns across the files: SKU first (whatever its case), then the rest alphabetically. */
export function carriedColumns(files: ManifestFile[]): string[] {
  const names = new Set<string>();
  for (const f of files) for (const k of Object.keys(f.columns)) names.add(k);
  return [...names].sort(
    (a, b) => Number(b.toLowerCase() === "sku") - Number(a.toLowerCase() === "sku") || a.localeCompare(b),
  );
}

/** manifest.csv: one row per file, formula-safe (lib/csv/safe-csv.ts), UTF-8 with a BOM for spreadsheets. */
export function manifestCsv(files: ManifestFile[]): string {
  const columns = carriedColumns(files);
  const header = [
    "asset_id",
    "approval_id",
    "title",
    ...columns,
    "alt_text",
    "placement",
    "size",
    "width",
    "height",
    "format",
    "file",
    "bytes",
    "sha256",
  ];
  const rows = files.map((f) => [
    f.assetId,
    f.approvalId,
    f.title,
    ...columns.map((c) => f.columns[c] ?? ""),
    f.altText,
    f.placement,
    `${f.width}×${f.height}`,
    f.width,
    f.height,
    f.format,
    f.file,
    f.bytes,
    f.sha256,
  ]);
  return toCsv(header, rows, { bom: true });
}

export function manifestJson(
  job: Pick<ExportJob, "id" | "name" | "createdAt" | "request">,
  files: ManifestFile[],
): string {
  return JSON.stringify(
    {
      export: {
        id: job.id,
        name: job.name,
        createdAt: job.createdAt.toISOString(),
        formats: job.request.formats,
        includeOriginal: job.request.includeOriginal,
      },
      files: files.map((f) => ({ ...f, size: `${f.width}×${f.height}` })),
    },
    null,
    2,
  );
}

/** held-back.csv: every asset the export left out, and why (never silently dropped). */
export function heldBackCsv(heldBack: HeldBackAsset[]): string {
  return toCsv(
    ["asset_id", "title", "reasons"],
    heldBack.map((h) => [h.assetId, h.title, h.reasons.join("; ")]),
    { bom: true },
  );
}
