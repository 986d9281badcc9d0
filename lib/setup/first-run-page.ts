import "server-only";
import { getDatabase } from "@/db";
import { clientIp } from "@/lib/auth/auth";
import { createFirstAdmin, needsFirstRun } from "./first-run";

export async function isFirstRun(): Promise<boolean> {
  const { db } = await getDatabase();
  return needsFirstRun({ db });
}

/** The setup form's server side: the request's address and the process-wide database. */
export async function createFirstAdminFromForm(input: unknown) {
  const { db } = await getDatabase();
  return createFirstAdmin({ db, input, ip: await clientIp() });
}
