import { randomBytes } from "node:crypto";
import { and, asc, count, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiTokens, users, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { nameSchema, roleSchema } from "@/lib/auth/schemas";
import { AppError, parseInput } from "@/lib/errors";

/**
 * Service accounts' addresses live under the reserved `.invalid` top-level domain (RFC 2606): the
 * users table needs a unique email, and this one can never receive mail nor match an identity
 * provider's verified address.
 */
export const SERVICE_ACCOUNT_EMAIL_DOMAIN = "service-accounts.kiln.invalid";

export const createServiceAccountInput = z.object({ name: nameSchema, role: roleSchema });
export type CreateServiceAccountInput = z.input<typeof createServiceAccountInput>;

export type ServiceAccountView = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: string;
  /** Tokens not revoked (expired ones included: they still show in the list). */
  liveTokens: number;
};

function assertMayManage(ctx: Ctx) {
  if (!can(ctx.actor.role, "service_accounts.manage"))
    throw new AppError("forbidden", "Only an admin manages service accounts.");
}

/**
 * A user that never signs in: no password, refused by the password and OIDC sign-ins, and by
 * password resets. It exists to own API tokens for an integration, acting with the role chosen
 * here, so the integration keeps working when the person who set it up leaves.
 */
export async function createServiceAccount({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateServiceAccountInput;
}): Promise<ServiceAccountView> {
  assertMayManage(ctx);
  const data = parseInput(createServiceAccountInput, input);
  const slug =
    data.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "service";
  const email = `${slug}-${randomBytes(4).toString("hex")}@${SERVICE_ACCOUNT_EMAIL_DOMAIN}`;
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email, name: data.name, role: data.role, passwordHash: null, serviceAccount: true })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "service_account.created",
        subject: { type: "user", id: user!.id },
        data: { name: data.name, role: data.role, email },
        ip: ctx.ip,
      },
    });
    return {
      id: user!.id,
      name: user!.name,
      email,
      role: user!.role,
      active: user!.active,
      createdAt: user!.createdAt.toISOString(),
      liveTokens: 0,
    };
  });
}

/** Every service account, by name, with how many tokens each still holds. */
export async function listServiceAccounts({ ctx }: { ctx: Ctx }): Promise<ServiceAccountView[]> {
  assertMayManage(ctx);
  const rows = await ctx.db
    .select({ user: users, liveTokens: count(apiTokens.id) })
    .from(users)
    .leftJoin(apiTokens, and(eq(apiTokens.userId, users.id), isNull(apiTokens.revokedAt)))
    .where(eq(users.serviceAccount, true))
    .groupBy(users.id)
    .orderBy(asc(users.name));
  return rows.map(({ user, liveTokens }) => ({
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    active: user.active,
    createdAt: user.createdAt.toISOString(),
    liveTokens: Number(liveTokens),
  }));
}
