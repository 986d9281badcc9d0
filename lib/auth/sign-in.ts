import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users, type User } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { burnPasswordCheck, verifyPassword } from "./password";
import { isSignInBlocked, recordSignInAttempt, type RateLimitPolicy } from "./rate-limit";
import { signInSchema } from "./schemas";

export type SignInFailure = "invalid_input" | "invalid_credentials" | "rate_limited";

export type SignInResult =
  | { ok: true; user: Pick<User, "id" | "email" | "name" | "role" | "sessionVersion"> }
  | { ok: false; reason: SignInFailure; message: string };

export const SIGN_IN_MESSAGES: Record<SignInFailure, string> = {
  invalid_input: "Enter a valid email address and your password.",
  invalid_credentials: "That email and password do not match an active account.",
  rate_limited: "Too many failed sign-ins. Wait a few minutes, then try again.",
};

/**
 * Checks an email and password. Every outcome is audited; failures say nothing about whether
 * the account exists, and take the same time either way.
 */
export async function verifyCredentials({
  db,
  input,
  ip,
  policy,
}: {
  db: Db;
  input: unknown;
  ip: string | null;
  policy: RateLimitPolicy;
}): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(input);
  const rawEmail =
    typeof (input as { email?: unknown })?.email === "string"
      ? String((input as { email: string }).email)
          .slice(0, 254)
          .toLowerCase()
      : null;
  if (!parsed.success) {
    await recordAudit({
      db,
      input: {
        actor: { id: null, email: rawEmail },
        action: "auth.sign_in_failed",
        data: { reason: "invalid_input" },
        ip,
      },
    });
    return fail("invalid_input");
  }
  const { email, password } = parsed.data;

  if (await isSignInBlocked({ db, email, ip, policy })) {
    await recordAudit({ db, input: { actor: { id: null, email }, action: "auth.sign_in_rate_limited", ip } });
    return fail("rate_limited");
  }

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  let reason: string | null = null;
  if (!user || !user.passwordHash || user.serviceAccount) {
    // A service account never signs in, even if a password hash was somehow set on it.
    await burnPasswordCheck(password);
    reason = !user ? "unknown_user" : user.serviceAccount ? "service_account" : "no_password";
  } else if (!(await verifyPassword(user.passwordHash, password))) {
    reason = "wrong_password";
  } else if (!user.active) {
    reason = "deactivated";
  }

  await recordSignInAttempt({ db, email, ip, succeeded: reason === null });
  if (reason !== null || !user) {
    await recordAudit({
      db,
      input: { actor: { id: user?.id ?? null, email }, action: "auth.sign_in_failed", data: { reason }, ip },
    });
    return fail("invalid_credentials");
  }

  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  await recordAudit({
    db,
    input: { actor: { id: user.id, email }, action: "auth.signed_in", data: { method: "password" }, ip },
  });
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion },
  };
}

function fail(reason: SignInFailure): SignInResult {
  return { ok: false, reason, message: SIGN_IN_MESSAGES[reason] };
}
