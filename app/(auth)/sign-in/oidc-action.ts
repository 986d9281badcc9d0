"use server";

import { signIn } from "@/lib/auth/auth";
import { safeCallbackPath } from "@/lib/auth/callback";

export async function oidcSignInAction(formData: FormData): Promise<void> {
  await signIn("oidc", { redirectTo: safeCallbackPath(formData.get("callbackUrl")) });
}
