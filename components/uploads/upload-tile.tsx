import Link from "@/components/ui/link";
import { Badge } from "@/components/ui/badge";
import type { UploadView } from "@/lib/uploads/list-uploads";

export function UploadTile({ upload: u, onRetry }: { upload: UploadView; onRetry?: () => void }) {
  return (
    <li
      className="overflow-hidden rounded-lg border border-stone-200 bg-white shadow-sm"
      data-testid="upload-tile"
      data-status={u.status}
    >
      <a
        href={u.status === "blocked" ? undefined : (u.previewUrl ?? u.originalUrl)}
        target="_blank"
        rel="noreferrer"
        className={`block aspect-square ${u.hasAlpha === false || !u.thumbUrl ? "bg-stone-100" : "checkerboard"}`}
      >
        {u.thumbUrl ? (
          // Thumbnails come from the authenticated blob route; next/image would need a loader for it.
          // eslint-disable-next-line @next/next/no-img-element
          <img src={u.thumbUrl} alt={u.filename} className="h-full w-full object-contain" loading="lazy" />
        ) : (
          <div className="flex h-full items-center justify-center text-xs text-stone-500">
            {u.status === "processing"
              ? "Checking and making thumbnail…"
              : u.status === "blocked"
                ? "Blocked"
                : "No thumbnail"}
          </div>
        )}
      </a>
      <div className="space-y-1 p-3 text-xs">
        <div className="truncate font-medium text-stone-900" title={u.filename}>
          {u.filename}
        </div>
        <div className="flex items-center justify-between text-stone-500">
          <span>
            {u.width}×{u.height} · {(u.bytes / 1024).toFixed(0)} KB
          </span>
          <Badge
            tone={u.status === "ready" ? "good" : u.status === "failed" || u.status === "blocked" ? "bad" : "warn"}
          >
            {u.status}
          </Badge>
        </div>
        <div className="text-stone-500">{u.owner}</div>
        {u.metadataRemoved.length > 0 && (
          <div
            className="text-stone-500"
            data-testid="upload-metadata-removed"
            title={`Not stored: ${u.metadataRemoved.join(", ")}`}
          >
            Removed on upload: {u.metadataRemoved.filter((m) => m !== "exif").join(", ") || "EXIF"}
          </div>
        )}
        {u.asset && <AssetLinks asset={u.asset} />}
        {u.status === "blocked" && <p className="pt-1 text-red-700">{u.error}</p>}
        {u.status === "failed" && (
          <div className="space-y-1 pt-1">
            <p className="text-red-700">{u.error}</p>
            {onRetry && (
              <button type="button" onClick={onRetry} className="font-medium text-kiln-700 hover:underline">
                Retry
              </button>
            )}
          </div>
        )}
      </div>
    </li>
  );
}

/** A ready upload is an asset: its page (provenance, checks, review), the editor, and review after an automated reject. */
function AssetLinks({ asset }: { asset: NonNullable<UploadView["asset"]> }) {
  const status = asset.status.replaceAll("_", " ");
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 pt-1" data-testid="upload-asset-links">
      <Link
        href={`/assets/${asset.id}`}
        className="font-medium text-kiln-700 hover:underline"
        data-testid="upload-asset-link"
      >
        Asset · {status}
        {asset.statusReason && asset.status === "rejected" ? ` (${asset.statusReason})` : ""}
      </Link>
      {asset.canEdit && (
        <Link
          href={`/assets/${asset.id}/edit`}
          className="font-medium text-kiln-700 hover:underline"
          data-testid="upload-open-editor"
        >
          Open in editor
        </Link>
      )}
      {asset.canEdit && asset.status === "rejected" && (
        <Link
          href={`/assets/${asset.id}/edit`}
          className="font-medium text-kiln-700 hover:underline"
          title="The checks rejected it; send it to a reviewer from the editor"
        >
          Send to review
        </Link>
      )}
    </div>
  );
}
