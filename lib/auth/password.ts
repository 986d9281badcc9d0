import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library's defaults (OWASP's minimum: 19 MiB, 2 passes): slow and salted. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the user is unknown keeps the response time the same.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J8JwLTWaw2qYwRbmvKTbcU5iAVHtSYu8w5vHVGGKTbo";

export async function burnPasswordCheck(password: string): Promise<void> {
  await verifyPassword(DUMMY_HASH, password);
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;
