"use server";

import { revalidatePath } from "next/cache";
import { engineSettingFromForm, setEditorEngine } from "@/lib/editing/settings";
import { guardedAction, type ActionResult } from "@/lib/http/action";

export async function saveEngineAction(fields: Record<string, string>): Promise<ActionResult<null>> {
  const result = await guardedAction(
    "editing.manage",
    (ctx) => setEditorEngine({ ctx, input: engineSettingFromForm(fields) }).then(() => null),
    "Saved.",
  );
  revalidatePath("/admin/editing");
  return result;
}
