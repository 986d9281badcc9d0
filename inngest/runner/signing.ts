import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Request signing as the SDK verifies it: HMAC-SHA256 keyed by the signing key without its
 * `signkey-<env>-` prefix, over the canonical JSON (RFC 8785) of the body followed by the timestamp.
 */
const PREFIX = /^signkey-[\w]+-/;

/** RFC 8785 canonical JSON for plain JSON values (what the SDK's `canonicalize` produces). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}

export function signBody(body: string, signingKey: string, now = Date.now()): string {
  const ts = Math.round(now / 1000).toString();
  const mac = createHmac("sha256", signingKey.replace(PREFIX, ""))
    .update(body + ts)
    .digest("hex");
  return `t=${ts}&s=${mac}`;
}

/** Verifies a `t=…&s=…` signature over a raw body; throws with the reason when it does not hold. */
export function verifySignature(body: string, header: string | null, signingKey: string, now = Date.now()): void {
  if (!header) throw new Error("missing x-inngest-signature");
  const params = new URLSearchParams(header);
  const ts = params.get("t");
  const sig = params.get("s");
  if (!ts || !sig) throw new Error("malformed x-inngest-signature");
  if (Math.abs(now - Number(ts) * 1000) > 5 * 60_000) throw new Error("x-inngest-signature has expired");
  const expected = createHmac("sha256", signingKey.replace(PREFIX, ""))
    .update(body + ts)
    .digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(sig);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new Error("x-inngest-signature does not match");
}

/** The bearer token the SDK sends when it calls the API (e.g. out-of-band sync): sha256 of the key's hex. */
export function hashSigningKey(signingKey: string): string {
  const prefix = signingKey.match(PREFIX)?.[0] ?? "";
  return (
    prefix +
    createHash("sha256")
      .update(Buffer.from(signingKey.replace(PREFIX, ""), "hex"))
      .digest("hex")
  );
}
