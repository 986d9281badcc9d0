"use server";

import { getDatabase } from "@/db";
import { recordAudit } from "@/lib/audit";
import { auth, clientIp, signOut } from "@/lib/auth/auth";

export async function signOutAction(): Promise<void> {
  const session = await auth();
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (userId) {
    const { db } = await getDatabase();
    await recordAudit({ db, input: { actor: { id: userId, email: null }, action: "auth.signed_out", ip: await clientIp() } });
  }
  await signOut({ redirectTo: "/sign-in" });
}
