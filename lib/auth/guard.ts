import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getDatabase } from "@/db";
import { AppError } from "@/lib/errors";
import { auth, clientIp } from "./auth";
import type { Ctx } from "./context";
import type { Permission } from "./permissions";
import { resolveSession } from "./resolve-session";

/**
 * The one server-side guard. Every server action, route handler and page calls it with the
 * permission it needs; the proxy only redirects and is never the security boundary.
 */
export async function requireCtx(permission: Permission): Promise<Ctx> {
  const session = await auth();
  const user = session?.user as { id?: string; sessionVersion?: number; sessionId?: string | null } | undefined;
  const { db } = await getDatabase();
  return resolveSession({
    db,
    claims: user ? { userId: user.id, sessionVersion: user.sessionVersion, sessionId: user.sessionId } : null,
    permission,
    ip: await clientIp(),
  });
}

/** For pages: an ended session goes to sign-in, a missing permission renders the 403 page. */
export async function requirePageCtx(permission: Permission): Promise<Ctx> {
  try {
    return await requireCtx(permission);
  } catch (error) {
    if (error instanceof AppError && error.code === "unauthenticated") {
      redirect(`/sign-in?reason=${encodeURIComponent(error.message)}`);
    }
    if (error instanceof AppError && error.code === "forbidden") forbidden();
    throw error;
  }
}
