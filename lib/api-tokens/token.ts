import { createHash, randomBytes } from "node:crypto";

export const API_TOKEN_PREFIX = "kiln_api_";
/** The prefix and 32 random bytes in base64url (43 characters). */
const TOKEN_SHAPE = /^kiln_api_[A-Za-z0-9_-]{43}$/;

/** A new token: shown once to its creator; only its sha256 and first 16 characters are stored. */
export function newApiToken(): { token: string; hash: string; hint: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashApiToken(token), hint: token.slice(0, 16) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Anything else is refused without a database read. */
export function isApiTokenShape(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
