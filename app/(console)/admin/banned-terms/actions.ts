"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { addBannedTerm, removeBannedTerm } from "@/lib/moderation/banned-terms";

export async function addBannedTermAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const result = await guardedAction(
    "policy.manage",
    (ctx) => addBannedTerm({ ctx, input: { term: formData.get("term"), category: formData.get("category") } }),
    "Term added.",
  );
  if (result.ok) revalidatePath("/admin/banned-terms");
  return result;
}

export async function removeBannedTermAction(id: string): Promise<ActionResult<void>> {
  const result = await guardedAction(
    "policy.manage",
    (ctx) => removeBannedTerm({ ctx, input: { id } }),
    "Term removed.",
  );
  if (result.ok) revalidatePath("/admin/banned-terms");
  return result;
}
