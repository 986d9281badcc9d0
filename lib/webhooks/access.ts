import { eq } from "drizzle-orm";
import { webhookEndpoints, type WebhookEndpoint } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

export function assertCanUseWebhooks(ctx: Ctx): void {
  if (!can(ctx.actor.role, "webhooks.manage")) throw new AppError("forbidden", "Your role cannot manage webhooks.");
}

/** Whether the actor manages this endpoint: their own, or (admins) a team's. */
export function managesEndpoint(ctx: Ctx, endpoint: Pick<WebhookEndpoint, "ownerUserId" | "teamId">): boolean {
  if (endpoint.ownerUserId) return endpoint.ownerUserId === ctx.actor.id;
  return ctx.actor.role === "admin";
}

/** The endpoint, if the actor manages it; someone else's is "not found" (its existence is not revealed). */
export async function endpointFor(ctx: Ctx, endpointId: string): Promise<WebhookEndpoint> {
  assertCanUseWebhooks(ctx);
  const [endpoint] = /^[0-9a-f-]{36}$/i.test(endpointId)
    ? await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).limit(1)
    : [];
  if (!endpoint || !managesEndpoint(ctx, endpoint))
    throw new AppError("not_found", "That webhook endpoint does not exist.");
  return endpoint;
}
