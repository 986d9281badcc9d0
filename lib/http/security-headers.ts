import { SONNER_STYLE_HASHES } from "./style-hashes";

/**
 * The response headers every Kiln response carries, in one place (applied by proxy.ts). They
 * harden the browser side — script injection, framing, MIME sniffing, referrers, downgrade — and
 * never decide who may do what: that stays with the server-side guard.
 */
export type SecurityHeaderOptions = {
  /** Fresh per request; Next.js puts it on its own scripts when the request carries the policy. */
  nonce: string;
  /** `next dev`: React rebuilds server error stacks with eval. */
  dev: boolean;
  /** KILN_URL is https: pin HTTPS (HSTS) and upgrade stray http subresources. */
  https: boolean;
};

export type ResponseKind = "page" | "api" | "blob" | "asset" | "share-page" | "share-file";

/**
 * Pages: scripts run only with this request's nonce, or when loaded by one that has it
 * ('strict-dynamic': Next's chunk loader). 'self' is a fallback for browsers without
 * strict-dynamic. Styles: the stylesheet, nonced <style> tags and the toasts' hashed one; style *attributes* (React's
 * style prop, the charts' SVG) need 'unsafe-inline' in style-src-attr, which cannot run script.
 * Images: data: (inline previews) and blob: (the editor's canvas and local files).
 */
export function pageContentSecurityPolicy({ nonce, dev, https }: SecurityHeaderOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // next dev injects CSS through <style> tags without a nonce.
    // The toasts' library inserts its stylesheet without a nonce: allowed by its hash only (lib/http/style-hashes.ts).
    dev
      ? "style-src 'self' 'unsafe-inline'"
      : `style-src 'self' 'nonce-${nonce}' ${SONNER_STYLE_HASHES.map((h) => `'${h}'`).join(" ")}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** JSON, CSV and image responses never need to run or embed anything. */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function securityHeaders(kind: ResponseKind, options: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  };
  if (options.https) headers["Strict-Transport-Security"] = "max-age=31536000";
  // Share links (/s/<token>) are public: the token must not leak to other sites through the
  // Referer, and search engines must not list them, whatever a visitor's browser did with the link.
  if (kind === "share-page" || kind === "share-file") {
    headers["Referrer-Policy"] = "no-referrer";
    headers["X-Robots-Tag"] = "noindex, nofollow";
  }
  // Blobs set their own, stricter sandboxing policy (lib/storage/http.ts); it must not be replaced.
  if (kind === "page" || kind === "share-page") headers["Content-Security-Policy"] = pageContentSecurityPolicy(options);
  if (kind === "api" || kind === "share-file") headers["Content-Security-Policy"] = API_CONTENT_SECURITY_POLICY;
  return headers;
}

export function responseKind(pathname: string): ResponseKind {
  // Build output and the image optimizer: no document, so no policy to carry; the rest applies.
  if (pathname.startsWith("/_next/static/") || pathname.startsWith("/_next/image")) return "asset";
  if (pathname.startsWith("/api/blobs/")) return "blob";
  if (pathname.startsWith("/api/")) return "api";
  // /s/<token> is the share page; below it (image, download, unlock) are files and a form post.
  if (pathname.startsWith("/s/")) return /^\/s\/[^/]+\/?$/.test(pathname) ? "share-page" : "share-file";
  return "page";
}

/** 128 random bits, base64: unguessable and fresh for every request. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
