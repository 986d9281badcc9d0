import { asc, eq } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { providers, type Provider } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { secretsKey } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { ProviderConfig } from "./types";

/** The adapter configuration of a provider, with its secret decrypted just for this call. */
export function providerConfig(provider: Provider): ProviderConfig {
  return {
    kind: provider.kind,
    baseUrl: provider.baseUrl,
    allowPrivate: provider.allowPrivate,
    ...(provider.secretCiphertext ? { apiKey: openSecret(provider.secretCiphertext, secretsKey()) } : {}),
  };
}

export function sealProviderSecret(secret: string | undefined | null): string | null {
  return secret ? sealSecret(secret, secretsKey()) : null;
}

export async function getProvider(db: DbExecutor, providerId: string): Promise<Provider> {
  const [row] = await db.select().from(providers).where(eq(providers.id, providerId)).limit(1);
  if (!row) throw new AppError("not_found", "That GPU endpoint does not exist.");
  return row;
}

/** What the admin list shows: never the secret, only whether one is set. */
export async function listProviders(db: DbExecutor) {
  const rows = await db.select().from(providers).orderBy(asc(providers.name));
  return rows.map(({ secretCiphertext, ...p }) => ({ ...p, hasSecret: secretCiphertext !== null }));
}

/**
 * What an admin may see of a stored key: that one is set and, for keys long enough that four
 * characters give little away, its last four (to tell which key is in use after a rotation).
 */
export function secretHint(provider: Pick<Provider, "secretCiphertext">): {
  hasSecret: boolean;
  secretLast4: string | null;
} {
  if (!provider.secretCiphertext) return { hasSecret: false, secretLast4: null };
  try {
    const secret = openSecret(provider.secretCiphertext, secretsKey());
    return { hasSecret: true, secretLast4: secret.length >= 12 ? secret.slice(-4) : null };
  } catch {
    // Sealed with another key (KILN_SECRETS_KEY changed): still "set", but unreadable here.
    return { hasSecret: true, secretLast4: null };
  }
}
