import "server-only";
import { getDatabase } from "@/db";
import { needsFirstRun } from "./first-run";

export async function isFirstRun(): Promise<boolean> {
  const { db } = await getDatabase();
  return needsFirstRun({ db });
}
