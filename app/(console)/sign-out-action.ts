"use server";

import { signOut } from "@/lib/auth/auth";
import { endCurrentSession, endEverySession } from "@/lib/auth/sign-out";

export async function signOutAction(): Promise<void> {
  await endCurrentSession();
  await signOut({ redirectTo: "/sign-in" });
}

export async function signOutEverywhereAction(): Promise<void> {
  await endEverySession();
  await signOut({ redirectTo: "/sign-in?reason=" + encodeURIComponent("You are signed out on every device.") });
}
