import { eq } from "drizzle-orm";
import { providers } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import {
  assertCanManageProviders,
  assertNotRepointingSimulator,
  loadProviderForUpdate,
  safeBaseUrl,
  type ProviderAdminDeps,
} from "./admin-common";
import { toAdminProvider, type AdminProvider } from "./admin-list";
import { createProviderInput, updateProviderInput } from "./admin-schemas";
import { PROVIDER_CAPABILITIES } from "./registry";
import { sealProviderSecret } from "./store";

function fieldError(field: string, message: string, code: "invalid_input" | "conflict" = "invalid_input"): AppError {
  return new AppError(code, message, { fields: { [field]: [message] } });
}

/** Adds a GPU endpoint. The key is sealed before it reaches the database; audits never carry it. */
export async function createProvider({
  ctx,
  input,
  deps,
}: {
  ctx: Ctx;
  input: unknown;
  deps?: ProviderAdminDeps;
}): Promise<AdminProvider> {
  assertCanManageProviders(ctx);
  const data = parseInput(createProviderInput, input);
  const description = PROVIDER_CAPABILITIES[data.kind];
  const rawUrl = data.baseUrl ?? description.defaultBaseUrl;
  if (!rawUrl)
    throw fieldError("baseUrl", `Enter the URL of the ${description.label} server, e.g. http://gpu-box.lan:7860.`);
  if (description.needsApiKey && !data.apiKey) throw fieldError("apiKey", `${description.label} needs an API key.`);
  // DNS and the URL check happen before the transaction: no row lock is held across a lookup.
  const baseUrl = await safeBaseUrl(rawUrl, data.allowPrivate, deps);
  const secretCiphertext = sealProviderSecret(data.apiKey);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: providers.id })
      .from(providers)
      .where(eq(providers.slug, data.slug))
      .limit(1);
    if (existing) throw fieldError("slug", `An endpoint with the slug ${data.slug} already exists.`, "conflict");
    const [row] = await tx
      .insert(providers)
      .values({
        slug: data.slug,
        name: data.name,
        kind: data.kind,
        baseUrl,
        secretCiphertext,
        allowPrivate: data.allowPrivate,
        concurrencyLimit: data.concurrencyLimit,
        timeoutMs: data.timeoutMs,
      })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "provider.created",
        subject: { type: "provider", id: row!.id },
        data: {
          slug: data.slug,
          kind: data.kind,
          baseUrl,
          allowPrivate: data.allowPrivate,
          hasSecret: secretCiphertext !== null,
        },
        ip: ctx.ip,
      },
    });
    return toAdminProvider(row!, { queuedCount: 0, pausedSince: null });
  });
}

/**
 * Edits an endpoint. A blank API key keeps the stored one; `clearApiKey` removes it; a new key
 * replaces it and is audited as a rotation (which key, never its value).
 */
export async function updateProvider({
  ctx,
  input,
  deps,
}: {
  ctx: Ctx;
  input: unknown;
  deps?: ProviderAdminDeps;
}): Promise<AdminProvider> {
  assertCanManageProviders(ctx);
  const data = parseInput(updateProviderInput, input);
  if (data.apiKey && data.clearApiKey)
    throw fieldError("apiKey", "Either enter a new key or clear the stored one, not both.");
  const [current] = await ctx.db.select().from(providers).where(eq(providers.id, data.providerId)).limit(1);
  if (!current) throw new AppError("not_found", "That GPU endpoint does not exist.");
  assertNotRepointingSimulator(current, data);
  const allowPrivate = data.allowPrivate ?? current.allowPrivate;
  // Re-check the URL whenever the URL or the private-network flag changes (a rename alone does
  // not depend on DNS answering; "Test connection" re-checks the stored URL).
  const urlChanged =
    (data.baseUrl !== undefined && data.baseUrl !== current.baseUrl) || allowPrivate !== current.allowPrivate;
  const baseUrl = urlChanged ? await safeBaseUrl(data.baseUrl ?? current.baseUrl, allowPrivate, deps) : current.baseUrl;
  if (data.clearApiKey && PROVIDER_CAPABILITIES[current.kind].needsApiKey) {
    throw fieldError(
      "apiKey",
      `${PROVIDER_CAPABILITIES[current.kind].label} needs an API key; enter a new one instead of clearing it.`,
    );
  }
  const secretCiphertext = data.apiKey ? sealProviderSecret(data.apiKey) : data.clearApiKey ? null : undefined;

  return ctx.db.transaction(async (tx) => {
    const before = await loadProviderForUpdate(tx, data.providerId);
    const next = {
      name: data.name ?? before.name,
      baseUrl,
      allowPrivate,
      concurrencyLimit: data.concurrencyLimit ?? before.concurrencyLimit,
      timeoutMs: data.timeoutMs ?? before.timeoutMs,
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== before[k]);
    const [row] = await tx
      .update(providers)
      .set({ ...next, ...(secretCiphertext !== undefined ? { secretCiphertext } : {}), updatedAt: new Date() })
      .where(eq(providers.id, before.id))
      .returning();
    const subject = { type: "provider", id: before.id };
    if (changed.length > 0) {
      const diff = Object.fromEntries(changed.map((k) => [k, { from: before[k], to: next[k] }]));
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "provider.updated",
          subject,
          data: { slug: before.slug, changes: diff },
          ip: ctx.ip,
        },
      });
    }
    if (secretCiphertext !== undefined && (secretCiphertext !== null || before.secretCiphertext !== null)) {
      const event = secretCiphertext === null ? "cleared" : before.secretCiphertext ? "rotated" : "set";
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "provider.secret_rotated",
          subject,
          data: { slug: before.slug, event },
          ip: ctx.ip,
        },
      });
    }
    return toAdminProvider(row!, { queuedCount: 0, pausedSince: null });
  });
}
