"use server";

import { revalidatePath } from "next/cache";
import { checkpointAuditNow } from "@/lib/audit/checkpoints";
import { guardedAction, type ActionResult } from "@/lib/http/action";

export type VerifyNowResult = { ok: boolean; message: string };

/** "Verify now": verifies the entries since the newest checkpoint and, when whole, writes a new checkpoint. */
export async function verifyAuditNowAction(): Promise<ActionResult<VerifyNowResult>> {
  const result = await guardedAction("audit.view", async (ctx) => {
    const { report, written } = await checkpointAuditNow({ ctx });
    if (!report.ok)
      return {
        ok: false,
        message: `Chain broken at entry #${report.brokenAt}: ${report.reason}. No checkpoint was written.`,
      };
    if (!written) return { ok: true, message: "No new entries since the last checkpoint." };
    return {
      ok: true,
      message: `${report.newChecked} new entries verified; checkpoint #${written.seq} written and signed.`,
    };
  });
  revalidatePath("/admin/audit");
  return result;
}
