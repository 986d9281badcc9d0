import { Badge } from "@/components/ui/badge";
import type { UploadView } from "@/lib/uploads/list-uploads";

export function UploadTile({ upload: u, onRetry }: { upload: UploadView; onRetry?: () => void }) {
  return (
    <li className="overflow-hidden rounded-lg border border-stone-200 bg-white shadow-sm" data-testid="upload-tile" data-status={u.status}>
      <a
        href={u.status === "blocked" ? undefined : (u.previewUrl ?? u.originalUrl)}
        target="_blank"
        rel="noreferrer"
        className="block aspect-square bg-[conic-gradient(#f5f5f4_25%,#e7e5e4_0_50%,#f5f5f4_0_75%,#e7e5e4_0)] bg-[length:16px_16px]"
      >
        {u.thumbUrl ? (
          // Thumbnails come from the authenticated blob route; next/image would need a loader for it.
          // eslint-disable-next-line @next/next/no-img-element
          <img src={u.thumbUrl} alt={u.filename} className="h-full w-full object-contain" loading="lazy" />
        ) : (
          <div className="flex h-full items-center justify-center text-xs text-stone-500">
            {u.status === "processing" ? "Checking and making thumbnail…" : u.status === "blocked" ? "Blocked" : "No thumbnail"}
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
          <Badge tone={u.status === "ready" ? "good" : u.status === "failed" || u.status === "blocked" ? "bad" : "warn"}>{u.status}</Badge>
        </div>
        <div className="text-stone-400">{u.owner}</div>
        {u.metadataRemoved.length > 0 && (
          <div className="text-stone-500" data-testid="upload-metadata-removed" title={`Not stored: ${u.metadataRemoved.join(", ")}`}>
            Removed on upload: {u.metadataRemoved.filter((m) => m !== "exif").join(", ") || "EXIF"}
          </div>
        )}
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
