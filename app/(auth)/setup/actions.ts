"use server";

import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/auth";
import { toPublicError, type FieldErrors } from "@/lib/errors";
import { createFirstAdminFromForm } from "@/lib/setup/first-run-page";

export type SetupState = { error?: string; fields?: FieldErrors; values?: { email: string; name: string } };

export async function setupAction(_prev: SetupState, formData: FormData): Promise<SetupState> {
  const input = Object.fromEntries(
    ["email", "name", "password", "confirm"].map((k) => [k, formData.get(k) ?? undefined]),
  );
  const values = { email: String(input.email ?? "").slice(0, 254), name: String(input.name ?? "").slice(0, 120) };
  try {
    await createFirstAdminFromForm(input);
  } catch (error) {
    const pub = toPublicError(error);
    if (pub.code === "conflict") redirect("/sign-in");
    return { error: pub.message, fields: pub.fields, values };
  }
  // Sign the new admin straight in; signIn redirects on success.
  await signIn("credentials", { email: input.email, password: input.password, redirectTo: "/admin/users?welcome=1" });
  return {};
}
