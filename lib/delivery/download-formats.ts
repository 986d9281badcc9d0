/**
 * What a download can be, shared by the server (lib/delivery/download.ts) and the Download menu
 * (components/delivery/download-menu.tsx): no server imports here, so the browser bundle may use it.
 */
export const DOWNLOAD_FORMATS = ["original", "png", "jpeg", "webp", "avif"] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

/** Quality used when none is asked for: visually lossless JPEG/WebP; AVIF reaches the same look at a lower number. */
export const DEFAULT_QUALITY = { jpeg: 90, webp: 90, avif: 70 } as const;
export type LossyFormat = keyof typeof DEFAULT_QUALITY;

export const isLossy = (format: DownloadFormat): format is LossyFormat => format in DEFAULT_QUALITY;

/** A version's stored format, as named on the menu: "Original (PNG)". GIF only arrives by upload. */
export type OriginalFormat = "png" | "jpeg" | "webp" | "avif" | "gif";

export const ORIGINAL_FORMAT_LABEL: Record<OriginalFormat, string> = {
  png: "PNG",
  jpeg: "JPEG",
  webp: "WebP",
  avif: "AVIF",
  gif: "GIF",
};

export const DOWNLOAD_FORMAT_LABEL: Record<Exclude<DownloadFormat, "original">, string> = {
  png: "PNG",
  jpeg: "JPEG",
  webp: "WebP",
  avif: "AVIF",
};

/** The download route's URL for one version and format (the quality only when it differs from the default). */
export function downloadUrl(
  assetId: string,
  version: number | "current",
  format: DownloadFormat,
  quality?: number,
): string {
  const qs = new URLSearchParams({ format });
  if (quality !== undefined && isLossy(format) && quality !== DEFAULT_QUALITY[format])
    qs.set("quality", String(quality));
  return `/api/assets/${assetId}/versions/${version}/download?${qs.toString()}`;
}
