"use server";

import { revalidatePath } from "next/cache";
import { sendCheckRuns } from "@/inngest/send";
import { recheckAssets } from "@/lib/checks/recheck";
import { guardedAction, type ActionResult } from "@/lib/http/action";

export async function recheckAssetAction(assetId: string): Promise<ActionResult<{ queued: number }>> {
  const result = await guardedAction("checks.manage", (ctx) => recheckAssets({ ctx, input: { assetIds: [assetId] }, send: sendCheckRuns }), "Checks queued again.");
  revalidatePath(`/assets/${assetId}`);
  return result;
}
