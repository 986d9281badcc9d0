import { eq } from "drizzle-orm";
import type { Tx } from "@/db";
import { providers, type Provider } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { assertSafeProviderUrl, type UrlSafetyOptions } from "./url-safety";

/** Tests resolve host names without a network; production uses the system resolver. */
export type ProviderAdminDeps = { lookup?: UrlSafetyOptions["lookup"] };

/**
 * The guard already checked the permission for pages and actions; checking again here keeps a
 * job or a future API route from reaching endpoint secrets and URLs by forgetting to.
 */
export function assertCanManageProviders(ctx: Ctx): void {
  if (!can(ctx.actor.role, "providers.manage")) throw new AppError("forbidden", "Only admins manage GPU endpoints.");
}

export async function loadProviderForUpdate(tx: Tx, providerId: string): Promise<Provider> {
  const [row] = await tx.select().from(providers).where(eq(providers.id, providerId)).limit(1).for("update");
  if (!row) throw new AppError("not_found", "That GPU endpoint does not exist.");
  return row;
}

/**
 * Validates the URL (SSRF rules in url-safety.ts) and returns the form Kiln stores: no trailing
 * slash, no query or fragment (adapters append their API paths to it).
 */
export async function safeBaseUrl(raw: string, allowPrivate: boolean, deps: ProviderAdminDeps = {}): Promise<string> {
  const url = await assertSafeProviderUrl(raw, { allowPrivate, ...(deps.lookup ? { lookup: deps.lookup } : {}) });
  if (url.search || url.hash) {
    const message = "Remove the ?query and #fragment from the endpoint URL; Kiln adds the API paths itself.";
    throw new AppError("invalid_input", message, { fields: { baseUrl: [message] } });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** The simulator row follows KILN_SIMULATOR_PORT (seed-catalog.ts); a hand edit would be overwritten. */
export function assertNotRepointingSimulator(
  provider: Provider,
  change: { baseUrl?: string; allowPrivate?: boolean },
): void {
  if (!provider.isSimulator) return;
  if (change.baseUrl !== undefined && change.baseUrl !== provider.baseUrl) {
    const message = "The built-in simulator's URL follows KILN_SIMULATOR_PORT; change that setting instead.";
    throw new AppError("conflict", message, { fields: { baseUrl: [message] } });
  }
  if (change.allowPrivate === false) {
    const message = "The built-in simulator runs on this machine, so it must stay allowed on the private network.";
    throw new AppError("conflict", message, { fields: { allowPrivate: [message] } });
  }
}
