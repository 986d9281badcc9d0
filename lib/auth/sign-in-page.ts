import "server-only";
import { getDatabase } from "@/db";
import { env } from "@/lib/env";
import { needsFirstRun } from "@/lib/setup/first-run";
import { requireCtx } from "./guard";

/** What the sign-in page needs to know: first run, an already-valid session, and SSO. */
export async function signInPageState(): Promise<{ firstRun: boolean; signedIn: boolean; oidc: string | null }> {
  const { db } = await getDatabase();
  if (await needsFirstRun({ db })) return { firstRun: true, signedIn: false, oidc: null };
  const signedIn = await requireCtx("console.view").then(
    () => true,
    () => false,
  );
  const e = env();
  return { firstRun: false, signedIn, oidc: e.oidcEnabled ? e.AUTH_OIDC_NAME : null };
}
