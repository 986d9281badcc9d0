"use server";

import { signOut } from "@/lib/auth/auth";
import { auditSignOut } from "@/lib/auth/sign-out";

export async function signOutAction(): Promise<void> {
  await auditSignOut();
  await signOut({ redirectTo: "/sign-in" });
}
