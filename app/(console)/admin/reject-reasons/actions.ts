"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { addRejectReason, setRejectReasonActive } from "@/lib/review/reasons";

export async function addRejectReasonAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const result = await guardedAction(
    "policy.manage",
    (ctx) => addRejectReason({ ctx, input: { code: formData.get("code"), label: formData.get("label") } }),
    "Reason added.",
  );
  if (result.ok) revalidatePath("/admin/reject-reasons");
  return result;
}

export async function setRejectReasonActiveAction(id: string, active: boolean): Promise<ActionResult<unknown>> {
  const result = await guardedAction(
    "policy.manage",
    (ctx) => setRejectReasonActive({ ctx, input: { id, active } }),
    active ? "Reason restored." : "Reason retired.",
  );
  if (result.ok) revalidatePath("/admin/reject-reasons");
  return result;
}
