import "server-only";
import { getDatabase } from "@/db";
import { recordAudit } from "@/lib/audit";
import { auth, clientIp } from "./auth";

/** Audits the sign-out of the current session's user, if there is one. */
export async function auditSignOut(): Promise<void> {
  const session = await auth();
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (!userId) return;
  const { db } = await getDatabase();
  await recordAudit({ db, input: { actor: { id: userId, email: null }, action: "auth.signed_out", ip: await clientIp() } });
}
