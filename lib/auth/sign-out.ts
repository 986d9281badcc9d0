import "server-only";
import { getDatabase } from "@/db";
import { AppError } from "@/lib/errors";
import { auth, clientIp } from "./auth";
import { requireCtx } from "./guard";
import { endAllSessions, endSession } from "./sessions";

/** Ends the current session on the server (a copy of the cookie stops working) and audits it. */
export async function endCurrentSession(): Promise<void> {
  const session = await auth();
  const user = session?.user as { id?: string; sessionId?: string | null } | undefined;
  if (!user?.id) return;
  const { db } = await getDatabase();
  await endSession({ db, claims: { userId: user.id, sessionId: user.sessionId }, ip: await clientIp() });
}

/** Ends every session of the signed-in user, this one included. A session already ended has nothing left to end. */
export async function endEverySession(): Promise<void> {
  try {
    await endAllSessions({ ctx: await requireCtx("console.view") });
  } catch (error) {
    if (!(error instanceof AppError && error.code === "unauthenticated")) throw error;
  }
}
