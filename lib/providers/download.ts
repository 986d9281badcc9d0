/**
 * Output images: downloads from provider-supplied URLs (through the endpoint's outbound policy,
 * capped in bytes and time, images only) and the image-type sniffing the adapters share.
 */
import { fetchFollowingRedirects } from "@/lib/net/outbound-fetch";
import {
  downloadLimits,
  formatBytes,
  kindForStatus,
  readBytes,
  type CallScope,
  type DownloadLimits,
  type FetchFn,
} from "./http-call";
import { ProviderError } from "./types";

const DOWNLOAD_TIMEOUT = Symbol("kiln.provider.download-timeout");

/** Types a CDN may label an image with when it does not know better; the bytes decide then. */
const GENERIC_TYPES = new Set(["application/octet-stream", "binary/octet-stream", "application/binary"]);

/**
 * Downloads an output image (http(s) or data: URI) within the call scope: redirects followed (a
 * few hops, each through the endpoint's policy), at most `maxBytes`, within `timeoutMs`, and only
 * an image. Errors never quote the downloaded body.
 */
export async function downloadImage(
  scope: CallScope,
  fetchFn: FetchFn,
  url: string,
  headers?: HeadersInit,
  limits: DownloadLimits = downloadLimits(),
): Promise<{ image: Buffer; contentType: string }> {
  const data = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (data) {
    const image = data[2] ? Buffer.from(data[3] ?? "", "base64") : Buffer.from(decodeURIComponent(data[3] ?? ""));
    if (image.length > limits.maxBytes)
      throw new ProviderError(
        "invalid_request",
        `${scope.label}: the output image is larger than the ${formatBytes(limits.maxBytes)} limit (KILN_MAX_DOWNLOAD_BYTES).`,
      );
    return { image, contentType: imageType(scope, image, data[1]) };
  }
  const timer = new AbortController();
  const clock = setTimeout(() => timer.abort(DOWNLOAD_TIMEOUT), limits.timeoutMs);
  const signal = AbortSignal.any([scope.signal, timer.signal]);
  try {
    const res = await fetchFollowingRedirects(fetchFn, url, { method: "GET", headers, signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new ProviderError(
        kindForStatus(res.status),
        `${scope.label}: HTTP ${res.status} downloading the output image`,
        { status: res.status },
      );
    }
    const header = res.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (header && !header.startsWith("image/") && !GENERIC_TYPES.has(header)) {
      await res.body?.cancel().catch(() => {});
      throw notAnImage(scope, header);
    }
    const image = await readBytes(scope, res, limits.maxBytes, "the output image");
    if (image.length === 0) throw new ProviderError("transient", `${scope.label}: empty image download`);
    return { image, contentType: imageType(scope, image, header) };
  } catch (error) {
    if (timer.signal.aborted && !scope.signal.aborted) {
      throw new ProviderError(
        "timeout",
        `${scope.label}: the output image download timed out after ${limits.timeoutMs}ms (KILN_DOWNLOAD_TIMEOUT_MS)`,
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    clearTimeout(clock);
  }
}

function notAnImage(scope: CallScope, type: string): ProviderError {
  return new ProviderError("invalid_request", `${scope.label}: the output download is not an image (${type}).`);
}

/** The declared image type, or the sniffed one where the label is generic or missing; never a non-image. */
function imageType(scope: CallScope, image: Buffer, declared: string | undefined): string {
  if (declared?.startsWith("image/")) return declared;
  const sniffed = sniffImageType(image);
  if (!sniffed.startsWith("image/")) throw notAnImage(scope, declared ?? "unlabelled bytes");
  return sniffed;
}

export function sniffImageType(buf: Buffer): string {
  if (buf.subarray(0, 4).toString("hex") === "89504e47") return "image/png";
  if (buf.subarray(0, 3).toString("hex") === "ffd8ff") return "image/jpeg";
  if (buf.subarray(0, 4).toString("ascii") === "RIFF" && buf.subarray(8, 12).toString("ascii") === "WEBP")
    return "image/webp";
  if (buf.subarray(0, 4).toString("ascii") === "GIF8") return "image/gif";
  if (buf.subarray(4, 12).toString("ascii") === "ftypavif") return "image/avif";
  return "application/octet-stream";
}

/** Wraps bytes as a Blob for multipart bodies (copy: a Buffer may be a view on a shared pool). */
export function blobOf(image: Buffer, type = sniffImageType(image)): Blob {
  return new Blob([new Uint8Array(image)], { type });
}
