import { randomBytes } from "node:crypto";

/**
 * JSON answers that carry images as base64 strings (AUTOMATIC1111's `images` and `image`), parsed
 * without turning the whole body into one JS string.
 *
 * A 512² PNG is ~1 MB of base64. Decoding the body to text, JSON.parse and then the base64 took
 * ~9-12 ms of the worker's main thread per image (utf8 ~3.5, JSON.parse ~5, base64 ~1.7). The
 * image strings are found in the bytes instead (native indexOf between quotes). Only the rest of
 * the body is parsed as JSON. Each image is decoded from its own bytes when it is read (~3.7 ms
 * for a 512² image; ~4.9 ms in all with the search, against 8.7-12 before). The result is what
 * JSON.parse gives, except that each long base64 string value is a Base64Blob.
 */
export class Base64Blob {
  constructor(
    private readonly body: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  /** The decoded bytes, exactly as Buffer.from(theString, "base64") would give them. */
  decode(): Buffer {
    return Buffer.from(this.body.toString("latin1", this.start, this.end), "base64");
  }
}

/** Strings shorter than this stay strings: an image is far longer, and short ones cost nothing to parse. */
export const MIN_BLOB_BYTES = 16 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** RFC 4648 base64 (standard alphabet, `=` padding): the only bytes a blob may contain. */
const BASE64 = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") BASE64[c.charCodeAt(0)] = 1;

function isBase64(body: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (BASE64[body[i]!] === 0) return false;
  return true;
}

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Where the string opened at `open` (a quote) closes: the next quote not escaped by an odd run of backslashes. */
function closingQuote(body: Buffer, open: number): number {
  let close = body.indexOf(QUOTE, open + 1);
  while (close !== -1) {
    let slashes = 0;
    for (let i = close - 1; i > open && body[i] === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return close;
    close = body.indexOf(QUOTE, close + 1);
  }
  return -1;
}

/**
 * Parses a JSON body; string values of at least `minBlobBytes` bytes that are plain base64 (no
 * escapes, no data: prefix) come back as Base64Blob. Object keys are never blobs. Returns
 * undefined when the body is not JSON (as JSON.parse would throw).
 */
export function parseJsonWithBlobs(body: Buffer, minBlobBytes = MIN_BLOB_BYTES): unknown {
  const blobs: Base64Blob[] = [];
  const parts: Buffer[] = [];
  const nonce = randomBytes(6).toString("hex");
  let copied = 0;
  let at = 0;
  for (;;) {
    const open = body.indexOf(QUOTE, at);
    if (open === -1) break;
    const close = closingQuote(body, open);
    if (close === -1) break; // not JSON: JSON.parse below says so
    at = close + 1;
    if (close - open - 1 < minBlobBytes) continue;
    let next = close + 1;
    while (isWhitespace(body[next])) next++;
    if (body[next] === COLON) continue; // a key
    // Escapes (a backslash) and data: URLs are not base64: JSON.parse decodes them as strings.
    if (!isBase64(body, open + 1, close)) continue;
    parts.push(body.subarray(copied, open + 1), Buffer.from(`\\u0000${nonce}:${blobs.length}`));
    blobs.push(new Base64Blob(body, open + 1, close));
    copied = close;
  }
  try {
    if (blobs.length === 0) return JSON.parse(body.toString("utf8"));
    parts.push(body.subarray(copied));
    const marker = `\u0000${nonce}:`;
    return JSON.parse(Buffer.concat(parts).toString("utf8"), (_key, value: unknown) =>
      typeof value === "string" && value.startsWith(marker) ? blobs[Number(value.slice(marker.length))] : value,
    );
  } catch {
    return undefined;
  }
}
