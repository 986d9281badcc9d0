import { createHash, randomBytes } from "node:crypto";

export const SHARE_TOKEN_PREFIX = "kiln_sh_";
/** The prefix and 32 random bytes in base64url (43 characters). */
const TOKEN_SHAPE = /^kiln_sh_[A-Za-z0-9_-]{43}$/;

/** A new link token: shown once to its creator; only its sha256 and first 12 characters are stored. */
export function newShareToken(): { token: string; hash: string; hint: string } {
  const token = `${SHARE_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashShareToken(token), hint: token.slice(0, 12) };
}

export function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Anything else is not looked up at all. */
export function isShareTokenShape(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
