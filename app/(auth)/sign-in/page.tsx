import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { OidcButton } from "@/components/auth/oidc-button";
import { Card } from "@/components/ui/card";
import { safeCallbackPath } from "@/lib/auth/callback";
import { signInPageState } from "@/lib/auth/sign-in-page";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  AccessDenied: "Your single sign-on account is not linked to an active Kiln user. Ask an admin to add you.",
  MissingCSRF: "Your sign-in form expired. Try again.",
  CredentialsSignin: "That email and password do not match an active account.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const state = await signInPageState();
  if (state.firstRun) redirect("/setup");
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (state.signedIn) redirect(callbackUrl);
  const notice = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Try again.") : params.reason?.slice(0, 200);
  return (
    <Card title="Sign in" description="Use the account your Kiln admin gave you.">
      <SignInForm callbackUrl={callbackUrl} notice={notice} />
      {state.oidc && <OidcButton name={state.oidc} callbackUrl={callbackUrl} />}
    </Card>
  );
}
