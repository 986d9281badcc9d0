import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDatabase } from "@/db";
import { recordAudit } from "@/lib/audit";
import { authSecret, env } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { matchOidcUser } from "./oidc";
import { clientIp, clientUserAgent } from "./request-ip";
import { endSession, startSession, type SessionMethod } from "./sessions";
import { verifyCredentials, type SignInFailure } from "./sign-in";

class SignInRefused extends CredentialsSignin {
  constructor(reason: SignInFailure) {
    super();
    this.code = reason;
  }
}

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export { clientIp };

/** Every sign-in gets its own session row; the cookie carries its id so sign-out can end it. */
async function issueToken(userId: string, sessionVersion: number, method: SessionMethod) {
  const { db } = await getDatabase();
  const session = await startSession({
    db,
    input: { userId, method, ip: await clientIp(), userAgent: await clientUserAgent() },
  });
  return { uid: userId, sv: sessionVersion, sid: session.id };
}

function oidcProviders(): NextAuthConfig["providers"] {
  const e = env();
  if (!e.oidcEnabled) return [];
  return [
    {
      id: "oidc",
      name: e.AUTH_OIDC_NAME,
      type: "oidc",
      issuer: e.AUTH_OIDC_ISSUER,
      clientId: e.AUTH_OIDC_CLIENT_ID,
      clientSecret: e.AUTH_OIDC_CLIENT_SECRET,
    },
  ];
}

/** The Auth.js configuration; built on first request so `next build` needs no secrets. */
export function authConfig(): NextAuthConfig {
  const e = env();
  return {
    secret: authSecret(),
    trustHost: true,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      Credentials({
        credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const { db } = await getDatabase();
          const result = await verifyCredentials({
            db,
            input: credentials,
            ip: await clientIp(),
            policy: { maxFailures: e.KILN_SIGNIN_MAX_FAILURES, windowMinutes: e.KILN_SIGNIN_WINDOW_MINUTES },
          });
          if (!result.ok) throw new SignInRefused(result.reason);
          return {
            id: result.user.id,
            email: result.user.email,
            name: result.user.name,
            sessionVersion: result.user.sessionVersion,
          };
        },
      }),
      ...oidcProviders(),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== "oidc") return true;
        const { db } = await getDatabase();
        const match = await matchOidcUser({
          db,
          email: profile?.email,
          emailVerified: profile?.email_verified !== false,
          ip: await clientIp(),
        });
        return match !== null;
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === "oidc") {
          const { db } = await getDatabase();
          const match = await matchOidcUser({
            db,
            email: profile?.email,
            emailVerified: profile?.email_verified !== false,
            ip: null,
          });
          return match ? issueToken(match.id, match.sessionVersion, "oidc") : null;
        }
        if (user?.id) {
          // Only ids and the session version go into the token; the role is read fresh per request.
          return issueToken(user.id, (user as { sessionVersion?: number }).sessionVersion ?? 0, "password");
        }
        return token;
      },
      session({ session, token }) {
        return {
          ...session,
          user: {
            id: String(token.uid ?? ""),
            sessionVersion: Number(token.sv ?? -1),
            sessionId: typeof token.sid === "string" ? token.sid : null,
          },
        } as never;
      },
    },
    events: {
      // Also reached by a direct POST to /api/auth/signout, which skips the console's sign-out action.
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (!token) return;
        const { db } = await getDatabase();
        const claims = {
          userId: typeof token.uid === "string" ? token.uid : null,
          sessionId: typeof token.sid === "string" ? token.sid : null,
        };
        await endSession({ db, claims, ip: await clientIp() });
      },
    },
    logger: {
      error(error) {
        const type = (error as { type?: string }).type;
        if (type === "CredentialsSignin") return; // expected, audited by verifyCredentials
        if (type === "MissingCSRF" || type === "InvalidCheck") {
          void auditRejection("auth.csrf_rejected", type);
          return;
        }
        if (type === "JWTSessionError") {
          // A session cookie that does not decrypt with our secret: forged or from another install.
          void auditRejection("auth.session_rejected", "invalid_token");
          return;
        }
        logger.error({ err: error, type: type ?? error.name }, "auth: error");
      },
    },
  };
}

async function auditRejection(action: "auth.csrf_rejected" | "auth.session_rejected", reason: string) {
  try {
    const { db } = await getDatabase();
    await recordAudit({ db, input: { actor: null, action, data: { reason }, ip: await clientIp() } });
  } catch (error) {
    logger.error({ err: error, action }, "auth: could not audit a rejection");
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => authConfig());
