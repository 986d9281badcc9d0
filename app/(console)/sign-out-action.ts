"use server";

import { signOut } from "@/lib/auth/auth";
import { endCurrentSession, endEverySession } from "@/lib/auth/sign-out";

/**
 * Both actions end the session and answer where to go next; the browser then loads that page in
 * full (components/console/sign-out-form.tsx), so nothing of the signed-out user stays in the tab.
 */
export async function signOutAction(): Promise<string> {
  await endCurrentSession();
  await signOut({ redirect: false });
  return "/sign-in";
}

export async function signOutEverywhereAction(): Promise<string> {
  await endEverySession();
  await signOut({ redirect: false });
  return "/sign-in?reason=" + encodeURIComponent("You are signed out on every device.");
}
