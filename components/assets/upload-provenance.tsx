import type { ReactNode } from "react";
import type { AssetDetail } from "@/lib/assets/asset-detail";
import { FactList } from "./fact-list";

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** An uploaded image's provenance: who uploaded which file, when, and its size (no prompt or preset made it). */
export function UploadProvenance({ u }: { u: NonNullable<AssetDetail["upload"]> }) {
  const items: [string, ReactNode][] = [
    ["Source", "Uploaded"],
    ["Uploaded by", u.by],
    ["File name", <code key="f">{u.filename}</code>],
    ["Size", `${u.width}×${u.height} · ${formatBytes(u.bytes)} · ${u.contentType}`],
    ["Uploaded", new Date(u.at).toLocaleString()],
    ["Metadata", "Location, device and owner metadata were removed at upload."],
  ];
  return <FactList items={items} testId="upload-provenance" />;
}
