import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db";
import { apiTokens, users, type ApiToken } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can, type Permission } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { hasScope, type Scope } from "./scopes";
import { hashApiToken, isApiTokenShape } from "./token";

export type TokenCtx = Ctx & { token: Pick<ApiToken, "id" | "name" | "scopes"> };

/** Last-used is written at most this often per token, so reads do not each cost a write. */
const LAST_USED_GRANULARITY_MS = 60_000;

/** The token from an Authorization header, refused (401) without a database read when it has not a token's shape. */
export function readBearerToken(authorization: string | null): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  if (!match)
    throw new AppError(
      "unauthenticated",
      "Send an API token: `Authorization: Bearer kiln_api_…`. Make one in the console under Developers → API tokens.",
    );
  if (!isApiTokenShape(match[1]!)) throw new AppError("unauthenticated", "That is not a Kiln API token.");
  return match[1]!;
}

/**
 * Turns an `Authorization: Bearer kiln_api_…` header into a context acting as the token's owner.
 * The owner is read from the database on every request (role, active); the token must be live and
 * hold the scope, and the owner's role must allow the permission — the same table the console uses.
 */
export async function resolveApiToken({
  db,
  authorization,
  ip,
  scope,
  permission,
}: {
  db: Db;
  authorization: string | null;
  ip: string | null;
  /** "any": every live token (e.g. GET /api/v1/me). */
  scope: Scope | "any";
  permission: Permission;
}): Promise<TokenCtx> {
  const raw = readBearerToken(authorization);
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashApiToken(raw)))
    .limit(1);
  const now = new Date();
  const refusal = !row
    ? "unknown"
    : row.token.revokedAt
      ? "revoked"
      : row.token.expiresAt && row.token.expiresAt <= now
        ? "expired"
        : !row.user.active
          ? "owner_deactivated"
          : null;
  if (refusal || !row) {
    if (row) {
      await recordAudit({
        db,
        input: {
          actor: { id: row.user.id, email: row.user.email },
          action: "api_token.refused",
          subject: { type: "api_token", id: row.token.id },
          data: { reason: refusal },
          ip,
        },
      });
    }
    const message =
      refusal === "expired"
        ? "This API token has expired. Make a new one."
        : refusal === "revoked"
          ? "This API token was revoked."
          : refusal === "owner_deactivated"
            ? "The account this token belongs to is deactivated."
            : "Unknown API token.";
    throw new AppError("unauthenticated", message);
  }
  const { token, user } = row;
  const actor = { id: user.id, email: user.email, name: user.name, role: user.role };
  if (scope !== "any" && !hasScope(token.scopes, scope)) {
    await recordAudit({
      db,
      input: {
        actor,
        action: "api_token.scope_denied",
        subject: { type: "api_token", id: token.id },
        data: { scope },
        ip,
      },
    });
    throw new AppError("forbidden", `This token lacks the ${scope} scope.`);
  }
  if (!can(user.role, permission)) {
    await recordAudit({
      db,
      input: { actor, action: "access.denied", subject: { type: "api_token", id: token.id }, data: { permission }, ip },
    });
    throw new AppError("forbidden", "The token's owner's role does not allow this.");
  }
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    const stale = new Date(now.getTime() - LAST_USED_GRANULARITY_MS);
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now, lastUsedIp: ip })
      .where(and(eq(apiTokens.id, token.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))));
  }
  return { db, actor, ip, token: { id: token.id, name: token.name, scopes: token.scopes } };
}
