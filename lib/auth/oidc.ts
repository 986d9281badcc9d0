import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";

/**
 * OIDC never creates accounts: an admin creates the user first, and the identity provider's
 * verified email must match an active user who is a person (never a service account).
 */
export async function matchOidcUser({
  db,
  email,
  emailVerified,
  ip,
}: {
  db: Db;
  email: string | null | undefined;
  emailVerified: boolean;
  ip: string | null;
}) {
  const normalised = email?.trim().toLowerCase() ?? null;
  const [user] = normalised ? await db.select().from(users).where(eq(users.email, normalised)).limit(1) : [];
  // Service accounts own API tokens and never sign in (their address is under .invalid, but say so outright).
  if (!user || !user.active || user.serviceAccount || !emailVerified) {
    await recordAudit({
      db,
      input: {
        actor: { id: user?.id ?? null, email: normalised },
        action: "auth.sign_in_refused",
        data: {
          method: "oidc",
          reason: !user
            ? "unknown_user"
            : !user.active
              ? "deactivated"
              : user.serviceAccount
                ? "service_account"
                : "email_not_verified",
        },
        ip,
      },
    });
    return null;
  }
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  await recordAudit({
    db,
    input: { actor: { id: user.id, email: user.email }, action: "auth.signed_in", data: { method: "oidc" }, ip },
  });
  return { id: user.id, sessionVersion: user.sessionVersion };
}
