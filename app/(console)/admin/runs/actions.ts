"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { cancelRunForAdmin, replayRunForAdmin } from "@/lib/runs/runs";

export async function cancelRunAction(runId: string): Promise<ActionResult<void>> {
  const result = await guardedAction(
    "runs.manage",
    (ctx) => cancelRunForAdmin({ ctx, input: { runId } }),
    "Run cancelled.",
  );
  revalidatePath(`/admin/runs/${runId}`);
  return result;
}

export async function replayRunAction(runId: string): Promise<ActionResult<string>> {
  const result = await guardedAction(
    "runs.manage",
    (ctx) => replayRunForAdmin({ ctx, input: { runId } }),
    "Replay started.",
  );
  revalidatePath("/admin/runs");
  return result;
}
