import { getDatabase } from "@/db";
import { inngest } from "@/inngest/client";
import { writeAuditCheckpoint } from "@/lib/audit/checkpoints";

/**
 * Every 10 minutes: verifies the audit entries since the newest checkpoint and, when they are whole,
 * writes and publishes a signed checkpoint (lib/audit/checkpoints.ts). A break is logged with its
 * seq and no checkpoint is written past it; admins see it on /admin/audit.
 */
export const auditCheckpointFn = inngest.createFunction(
  {
    id: "operations-audit-checkpoint",
    name: "Audit log: verify and checkpoint",
    triggers: [{ cron: "*/10 * * * *" }],
    retries: 2,
    concurrency: { limit: 1 },
  },
  async ({ step }) =>
    step.run("verify-and-checkpoint", async () => {
      const { db } = await getDatabase();
      const { report, written } = await writeAuditCheckpoint({ db });
      if (!report.ok) {
        console.error(`[audit] chain broken at entry #${report.brokenAt}: ${report.reason}; no checkpoint written`);
        return { ok: false, brokenAt: report.brokenAt, reason: report.reason };
      }
      if (written)
        console.info(`[audit] checkpoint #${written.seq} written: ${report.newChecked} new entries verified`);
      return { ok: true, newChecked: report.newChecked, checkpointSeq: written?.seq ?? report.checkpoint?.seq ?? null };
    }),
);
