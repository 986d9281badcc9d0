import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { apiTokens, users, type ApiToken } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { createApiTokenInput, type CreateApiTokenInput } from "./schema";
import { newApiToken } from "./token";

export type ApiTokenState = "active" | "expired" | "revoked";

export type ApiTokenView = {
  id: string;
  name: string;
  tokenHint: string;
  scopes: string[];
  userId: string;
  userName: string;
  serviceAccount: boolean;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  state: ApiTokenState;
};

export function tokenState(t: Pick<ApiToken, "revokedAt" | "expiresAt">, now = new Date()): ApiTokenState {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt <= now) return "expired";
  return "active";
}

/**
 * Makes a token and returns it in full, the only time it is ever shown. A person makes tokens for
 * themselves; an admin may also make one for a service account (never for another person).
 */
export async function createApiToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateApiTokenInput;
}): Promise<{ token: string; view: ApiTokenView }> {
  const data = parseInput(createApiTokenInput, input);
  let owner = { id: ctx.actor.id, name: ctx.actor.name, serviceAccount: false };
  if (data.forUserId && data.forUserId !== ctx.actor.id) {
    if (ctx.actor.role !== "admin")
      throw new AppError("forbidden", "Only an admin makes tokens for a service account.");
    const [target] = await ctx.db.select().from(users).where(eq(users.id, data.forUserId)).limit(1);
    if (!target || !target.serviceAccount)
      throw new AppError("invalid_input", "Tokens are made for yourself or for a service account.", {
        fields: { forUserId: ["Not a service account."] },
      });
    if (!target.active) throw new AppError("conflict", "That service account is deactivated.");
    owner = { id: target.id, name: target.name, serviceAccount: true };
  }
  const { token, hash, hint } = newApiToken();
  const expiresAt = data.expiresInDays === null ? null : new Date(Date.now() + data.expiresInDays * 86_400_000);
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      userId: owner.id,
      createdBy: ctx.actor.id,
      name: data.name,
      tokenHash: hash,
      tokenHint: hint,
      scopes: data.scopes,
      expiresAt,
    })
    .returning();
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "api_token.created",
      subject: { type: "api_token", id: row!.id },
      data: { name: data.name, scopes: data.scopes, userId: owner.id, expiresAt },
      ip: ctx.ip,
    },
  });
  return { token, view: toView(row!, owner) };
}

/** The tokens a user may see: their own; an admin also sees every service account's. */
export async function listApiTokens({ ctx }: { ctx: Ctx }): Promise<ApiTokenView[]> {
  const rows = await ctx.db
    .select({ token: apiTokens, owner: { id: users.id, name: users.name, serviceAccount: users.serviceAccount } })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(ctx.actor.role === "admin" ? undefined : eq(apiTokens.userId, ctx.actor.id))
    .orderBy(desc(apiTokens.createdAt));
  return rows.filter((r) => r.owner.id === ctx.actor.id || r.owner.serviceAccount).map((r) => toView(r.token, r.owner));
}

/** Revokes at once: the next request with it is refused. Revoking twice is a no-op. */
export async function revokeApiToken({ ctx, input }: { ctx: Ctx; input: { tokenId: string } }): Promise<void> {
  const visible = await listApiTokens({ ctx });
  const token = visible.find((t) => t.id === input.tokenId);
  if (!token) throw new AppError("not_found", "No such token.");
  if (token.revokedAt) return;
  await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date(), revokedBy: ctx.actor.id })
    .where(and(eq(apiTokens.id, token.id), isNull(apiTokens.revokedAt)));
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "api_token.revoked",
      subject: { type: "api_token", id: token.id },
      data: { name: token.name },
      ip: ctx.ip,
    },
  });
}

/** Revokes every live token of a user (deactivation); returns how many. */
export async function revokeTokensOfUser({ ctx, userId }: { ctx: Ctx; userId: string }): Promise<number> {
  const live = await ctx.db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
  if (live.length === 0) return 0;
  await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date(), revokedBy: ctx.actor.id })
    .where(
      inArray(
        apiTokens.id,
        live.map((t) => t.id),
      ),
    );
  return live.length;
}

function toView(t: ApiToken, owner: { id: string; name: string; serviceAccount: boolean }): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    tokenHint: t.tokenHint,
    scopes: t.scopes,
    userId: owner.id,
    userName: owner.name,
    serviceAccount: owner.serviceAccount,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: t.lastUsedIp,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    state: tokenState(t),
  };
}
