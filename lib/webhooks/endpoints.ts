import { asc, desc, eq, isNotNull, or } from "drizzle-orm";
import { z } from "zod";
import { teams, webhookEndpoints, type WebhookEndpoint } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { assertCanUseWebhooks, endpointFor } from "./access";
import { webhookEventTypeSchema, type WebhookEventType } from "./event-types";
import { generateWebhookSecret, openWebhookSecret, ROTATION_OVERLAP_MS, sealWebhookSecret } from "./secrets";
import { assertWebhookUrl } from "./url-policy";

export type EndpointView = {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  owner: { kind: "user"; userId: string } | { kind: "team"; teamId: string; teamName: string };
  status: "enabled" | "disabled";
  disabledReason: string | null;
  consecutiveFailures: number;
  /** Set while a rotated-out secret still signs (both signatures are sent). */
  previousSecretExpiresAt: string | null;
  createdAt: string;
};

function view(e: WebhookEndpoint, teamName?: string | null): EndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events as WebhookEventType[],
    owner: e.teamId
      ? { kind: "team", teamId: e.teamId, teamName: teamName ?? "team" }
      : { kind: "user", userId: e.ownerUserId! },
    status: e.status,
    disabledReason: e.disabledReason,
    consecutiveFailures: e.consecutiveFailures,
    previousSecretExpiresAt:
      e.previousSecretSealed && e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date()
        ? e.previousSecretExpiresAt.toISOString()
        : null,
    createdAt: e.createdAt.toISOString(),
  };
}

const events = z
  .array(webhookEventTypeSchema)
  .min(1, "Choose at least one event.")
  .transform((list) => [...new Set(list)]);
const description = z.string().trim().max(200, "Descriptions are at most 200 characters.");
const url = z
  .string({ error: "Enter the URL Kiln should POST events to." })
  .trim()
  .min(1, "Enter the URL Kiln should POST events to.");

const createInput = z.object({
  url,
  description: description.default(""),
  events,
  /** A team's endpoint (admins only); the actor's own when absent. */
  teamId: z.string().uuid("Unknown team.").nullish(),
});

const updateInput = z.object({
  url: url.optional(),
  description: description.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});

/** The actor's own endpoints and, for admins, every team's. */
export async function listEndpoints({ ctx }: { ctx: Ctx }): Promise<EndpointView[]> {
  assertCanUseWebhooks(ctx);
  const rows = await ctx.db
    .select({ e: webhookEndpoints, teamName: teams.name })
    .from(webhookEndpoints)
    .leftJoin(teams, eq(teams.id, webhookEndpoints.teamId))
    .where(
      ctx.actor.role === "admin"
        ? or(eq(webhookEndpoints.ownerUserId, ctx.actor.id), isNotNull(webhookEndpoints.teamId))
        : eq(webhookEndpoints.ownerUserId, ctx.actor.id),
    )
    .orderBy(desc(webhookEndpoints.createdAt));
  return rows.map((r) => view(r.e, r.teamName));
}

/** Teams an admin can register an endpoint for (empty for everyone else). */
export async function endpointTeams({ ctx }: { ctx: Ctx }): Promise<{ id: string; name: string }[]> {
  if (ctx.actor.role !== "admin") return [];
  return ctx.db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name));
}

/** Registers an endpoint; the answer carries its signing secret (it can be shown again later by its owner). */
export async function createEndpoint({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ endpoint: EndpointView; secret: string }> {
  assertCanUseWebhooks(ctx);
  const parsed = parseInput(createInput, input);
  let teamName: string | null = null;
  if (parsed.teamId) {
    if (ctx.actor.role !== "admin")
      throw new AppError("forbidden", "Only admins register endpoints for a team; register one for yourself instead.");
    const [team] = await ctx.db.select().from(teams).where(eq(teams.id, parsed.teamId)).limit(1);
    if (!team)
      throw new AppError("invalid_input", "That team does not exist.", { fields: { teamId: ["Unknown team."] } });
    teamName = team.name;
  }
  const checkedUrl = await assertWebhookUrl(parsed.url);
  const secret = generateWebhookSecret();
  const [row] = await ctx.db
    .insert(webhookEndpoints)
    .values({
      ownerUserId: parsed.teamId ? null : ctx.actor.id,
      teamId: parsed.teamId ?? null,
      createdBy: ctx.actor.id,
      url: checkedUrl,
      description: parsed.description,
      events: parsed.events,
      secretSealed: sealWebhookSecret(secret),
    })
    .returning();
  await audit(ctx, "webhook.endpoint_created", row!.id, {
    url: checkedUrl,
    events: parsed.events,
    ...(parsed.teamId ? { teamId: parsed.teamId } : {}),
  });
  return { endpoint: view(row!, teamName), secret };
}

/** Changes the URL (checked again), description, events, or enables/disables it (enabling clears the failure run). */
export async function updateEndpoint({
  ctx,
  endpointId,
  input,
}: {
  ctx: Ctx;
  endpointId: string;
  input: unknown;
}): Promise<EndpointView> {
  const endpoint = await endpointFor(ctx, endpointId);
  const parsed = parseInput(updateInput, input);
  const changes: Partial<WebhookEndpoint> = { updatedAt: new Date() };
  if (parsed.url !== undefined) changes.url = await assertWebhookUrl(parsed.url);
  if (parsed.description !== undefined) changes.description = parsed.description;
  if (parsed.events !== undefined) changes.events = parsed.events;
  if (parsed.enabled === true && endpoint.status === "disabled")
    Object.assign(changes, { status: "enabled", disabledReason: null, consecutiveFailures: 0 });
  if (parsed.enabled === false && endpoint.status === "enabled")
    Object.assign(changes, { status: "disabled", disabledReason: `Disabled by ${ctx.actor.name}.` });
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set(changes)
    .where(eq(webhookEndpoints.id, endpoint.id))
    .returning();
  const { updatedAt: _, ...logged } = changes;
  await audit(ctx, "webhook.endpoint_changed", endpoint.id, logged);
  return view(row!, await teamNameOf(ctx, row!));
}

/** Deletes the endpoint with its delivery log; deliveries waiting for a retry stop. */
export async function deleteEndpoint({ ctx, endpointId }: { ctx: Ctx; endpointId: string }): Promise<void> {
  const endpoint = await endpointFor(ctx, endpointId);
  await ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
  await audit(ctx, "webhook.endpoint_deleted", endpoint.id, { url: endpoint.url });
}

/** The signing secret, for its owner (audited: who saw it, when). */
export async function revealSecret({ ctx, endpointId }: { ctx: Ctx; endpointId: string }): Promise<{ secret: string }> {
  const endpoint = await endpointFor(ctx, endpointId);
  await audit(ctx, "webhook.secret_revealed", endpoint.id, {});
  return { secret: openWebhookSecret(endpoint.secretSealed) };
}

/**
 * A new secret signs from now on; the old one keeps signing beside it (two signatures in
 * `webhook-signature`) for 24 hours, so the receiver can switch without dropping a delivery.
 */
export async function rotateSecret({
  ctx,
  endpointId,
}: {
  ctx: Ctx;
  endpointId: string;
}): Promise<{ secret: string; previousExpiresAt: string }> {
  const endpoint = await endpointFor(ctx, endpointId);
  const secret = generateWebhookSecret();
  const previousExpiresAt = new Date(Date.now() + ROTATION_OVERLAP_MS);
  await ctx.db
    .update(webhookEndpoints)
    .set({
      secretSealed: sealWebhookSecret(secret),
      previousSecretSealed: endpoint.secretSealed,
      previousSecretExpiresAt: previousExpiresAt,
      updatedAt: new Date(),
    })
    .where(eq(webhookEndpoints.id, endpoint.id));
  await audit(ctx, "webhook.secret_rotated", endpoint.id, { previousExpiresAt: previousExpiresAt.toISOString() });
  return { secret, previousExpiresAt: previousExpiresAt.toISOString() };
}

async function teamNameOf(ctx: Ctx, e: WebhookEndpoint): Promise<string | null> {
  if (!e.teamId) return null;
  const [t] = await ctx.db.select({ name: teams.name }).from(teams).where(eq(teams.id, e.teamId)).limit(1);
  return t?.name ?? null;
}

async function audit(
  ctx: Ctx,
  action: Parameters<typeof recordAudit>[0]["input"]["action"],
  endpointId: string,
  data: Record<string, unknown>,
) {
  await recordAudit({
    db: ctx.db,
    input: { actor: ctx.actor, action, subject: { type: "webhook_endpoint", id: endpointId }, data, ip: ctx.ip },
  });
}
