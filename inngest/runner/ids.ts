import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32, as ULIDs use

function encode(bytes: Uint8Array, time: number): string {
  let out = "";
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.slice(0, 26);
}

/** A ULID (the id format Inngest uses for events and runs). */
export function ulid(time = Date.now()): string {
  return encode(randomBytes(10), time);
}

/**
 * The SDK sends `x-inngest-event-id-seed: <millis>,<base64 entropy>` so that a retried send yields
 * the same ids (and is deduplicated). Derive the i-th event's id from it deterministically.
 */
export function seededEventId(seed: string | null, index: number): string | null {
  if (!seed) return null;
  const [millis, entropy] = seed.split(",");
  const time = Number(millis);
  if (!Number.isFinite(time) || time <= 0 || !entropy) return null;
  const bytes = createHash("sha256").update(`${entropy}:${index}`).digest().subarray(0, 10);
  return encode(bytes, time);
}
