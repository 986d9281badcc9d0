import { exportJobs, type ExportJob } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { planExport } from "./request";

/** Hands the job to the background engine after commit (inngest/send.ts implements it). */
export type ExportSender = (e: { exportId: string; userId: string }) => Promise<void>;

/**
 * Creates an export: the request is validated and resolved now (lib/exports/request.ts), the job is
 * stored as queued with its file count and held-back assets, audited (export.created), and sent to
 * the background function `build-export` after the commit.
 */
export async function createExport({
  ctx,
  input,
  send,
}: {
  ctx: Ctx;
  input: unknown;
  send: ExportSender;
}): Promise<ExportJob> {
  const plan = await planExport({ ctx, input });
  const raw = (input ?? {}) as { name?: unknown };
  const name = typeof raw.name === "string" && raw.name.trim() ? raw.name.trim().slice(0, 120) : plan.label;
  const job = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(exportJobs)
      .values({
        createdBy: ctx.actor.id,
        name,
        request: plan.request,
        status: "queued",
        filesTotal: plan.filesTotal,
        filesDone: 0,
        assetsIncluded: plan.items.length,
        heldBack: plan.heldBack,
      })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "export.created",
        subject: { type: "export", id: row!.id },
        data: {
          selection:
            "assetIds" in plan.request.selection
              ? { assetIds: plan.request.selection.assetIds.length }
              : plan.request.selection,
          placements: plan.placements.map((p) => p.slug),
          formats: plan.request.formats,
          includeOriginal: plan.request.includeOriginal,
          assets: plan.items.length,
          heldBack: plan.heldBack.length,
          files: plan.filesTotal,
        },
        ip: ctx.ip,
      },
    });
    return row!;
  });
  await send({ exportId: job.id, userId: ctx.actor.id });
  return job;
}
