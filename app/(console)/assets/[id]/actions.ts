"use server";

import { revalidatePath } from "next/cache";
import { sendCheckRuns } from "@/inngest/send";
import { setUsageNotes } from "@/lib/assets/usage-notes";
import { recheckAssets } from "@/lib/checks/recheck";
import { guardedAction, type ActionResult } from "@/lib/http/action";

export async function recheckAssetAction(assetId: string): Promise<ActionResult<{ queued: number }>> {
  const result = await guardedAction(
    "checks.manage",
    (ctx) => recheckAssets({ ctx, input: { assetIds: [assetId] }, send: sendCheckRuns }),
    "Checks queued again.",
  );
  revalidatePath(`/assets/${assetId}`);
  return result;
}

export async function saveUsageNotesAction(assetId: string, notes: string): Promise<ActionResult<void>> {
  const result = await guardedAction(
    "assets.view",
    (ctx) => setUsageNotes({ ctx, input: { assetId, notes } }),
    "Notes saved.",
  );
  revalidatePath(`/assets/${assetId}`);
  return result;
}
