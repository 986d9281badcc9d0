"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/auth/auth";
import { safeCallbackPath } from "@/lib/auth/callback";
import { SIGN_IN_MESSAGES, type SignInFailure } from "@/lib/auth/sign-in";

export type SignInState = { error?: string; email?: string };

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get("email") ?? "").slice(0, 254);
  try {
    await signIn("credentials", {
      email: formData.get("email"),
      password: formData.get("password"),
      redirectTo: safeCallbackPath(formData.get("callbackUrl")),
    });
    return {};
  } catch (error) {
    // A successful sign-in throws Next's redirect, which must pass through untouched.
    if (!(error instanceof AuthError)) throw error;
    const code = error instanceof CredentialsSignin ? (error.code as SignInFailure) : undefined;
    return { email, error: (code && SIGN_IN_MESSAGES[code]) || "Sign-in failed. Try again." };
  }
}
