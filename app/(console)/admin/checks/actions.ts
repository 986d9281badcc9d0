"use server";

import { revalidatePath } from "next/cache";
import { sendCheckRuns } from "@/inngest/send";
import { previewThresholds, saveThresholds, type ThresholdPreview } from "@/lib/checks/admin";
import { recheckAssets } from "@/lib/checks/recheck";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { getBlobStore } from "@/lib/storage";

export async function previewThresholdsAction(
  presetId: string,
  thresholds: Record<string, number>,
): Promise<ActionResult<ThresholdPreview>> {
  return guardedAction("checks.manage", (ctx) =>
    previewThresholds({ ctx, input: { presetId, thresholds }, store: getBlobStore() }),
  );
}

export async function saveThresholdsAction(
  presetId: string,
  thresholds: Record<string, number>,
): Promise<ActionResult<unknown>> {
  const result = await guardedAction(
    "checks.manage",
    (ctx) => saveThresholds({ ctx, input: { presetId, thresholds } }).then(() => null),
    "Saved as a new preset version.",
  );
  revalidatePath("/admin/checks");
  return result;
}

export async function recheckPresetAction(presetId: string): Promise<ActionResult<{ queued: number }>> {
  const result = await guardedAction("checks.manage", (ctx) =>
    recheckAssets({ ctx, input: { presetId }, send: sendCheckRuns }),
  );
  revalidatePath("/admin/checks");
  return result;
}
