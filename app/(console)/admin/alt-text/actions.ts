"use server";

import { revalidatePath } from "next/cache";
import { setAltTextSettings, testAltTextEngine, type EngineTestResult } from "@/lib/alt-text/settings";
import { guardedAction, type ActionResult } from "@/lib/http/action";

export async function saveAltTextSettingsAction(fields: {
  engine: string;
  providerId: string | null;
  model: string | null;
}): Promise<ActionResult<null>> {
  const result = await guardedAction(
    "delivery.manage",
    (ctx) => setAltTextSettings({ ctx, input: fields }).then(() => null),
    "Saved.",
  );
  revalidatePath("/admin/alt-text");
  return result;
}

/** Drafts alt text for the sample picture with the engine on the form, saved or not. */
export async function testAltTextEngineAction(fields: {
  engine: string;
  providerId: string | null;
  model: string | null;
}): Promise<ActionResult<EngineTestResult>> {
  return guardedAction("delivery.manage", (ctx) => testAltTextEngine({ ctx, input: fields }));
}
