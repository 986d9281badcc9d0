"use server";

import { revalidatePath } from "next/cache";
import type { ProviderHealth, SystemSwitch, SystemSwitchKey } from "@/db/schema";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { setFallbackPreset } from "@/lib/operations/failover/set-fallback";
import { setSwitch } from "@/lib/operations/switches/set-switch";
import { sendGenerationResumed } from "@/inngest/send";

/** The status banner is in the console layout: every page shows the change. */
function done<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

export async function setSwitchAction(
  key: SystemSwitchKey,
  enabled: boolean,
  reason?: string,
): Promise<ActionResult<SystemSwitch>> {
  const message = {
    uploads_disabled: enabled
      ? "Uploads are off: the next upload is refused with your reason."
      : "Uploads are back on.",
    generation_paused: enabled
      ? "All generation is paused: queued work waits before its next call; nothing is dropped."
      : "Generation resumed: waiting work starts again now.",
  }[key];
  return done(
    await guardedAction(
      "operations.manage",
      (ctx) => setSwitch({ ctx, input: { key, enabled, reason }, resumed: sendGenerationResumed }),
      message,
    ),
  );
}

export async function setFallbackAction(
  providerId: string,
  presetId: string | null,
): Promise<ActionResult<ProviderHealth>> {
  const message = presetId
    ? "Fallback set: while this endpoint is unhealthy, its queued work of that tier moves there."
    : "Failover turned off for this endpoint.";
  return done(
    await guardedAction(
      "providers.manage",
      (ctx) => setFallbackPreset({ ctx, input: { providerId, presetId } }),
      message,
    ),
  );
}
