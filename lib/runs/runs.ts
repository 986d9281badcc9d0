import { z } from "zod";
import { getDatabase } from "@/db";
import { cancelRun, getRun, listRuns, replayRun, type RunDetail, type RunSummary } from "@/inngest/runner";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";

/**
 * The admin "Runs" view over the embedded runner's own tables. The runner knows nothing of the
 * product; this module adds the product's rules (validation, audit) around its admin calls.
 */
async function runnerDb() {
  const database = await getDatabase();
  return { query: database.query, transaction: database.transaction };
}

const STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
const listInput = z.object({ status: z.enum(STATUSES).optional(), before: z.coerce.number().positive().optional() });
const runIdInput = z.object({ runId: z.string().min(1).max(100) });

export async function listRunsForAdmin({ input }: { ctx: Ctx; input: unknown }): Promise<RunSummary[]> {
  const q = parseInput(listInput, input);
  return listRuns({ db: await runnerDb(), status: q.status, before: q.before, limit: 50 });
}

export async function getRunForAdmin({ input }: { ctx: Ctx; input: unknown }): Promise<RunDetail> {
  const { runId } = parseInput(runIdInput, input);
  const run = await getRun({ db: await runnerDb(), runId });
  if (!run) throw new AppError("not_found", "That run does not exist.");
  return run;
}

export async function cancelRunForAdmin({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  const { runId } = parseInput(runIdInput, input);
  const cancelled = await cancelRun({ db: await runnerDb(), runId, reason: `cancelled by ${ctx.actor.email}` });
  if (!cancelled) throw new AppError("conflict", "That run has already finished.");
  await recordAudit({
    db: ctx.db,
    input: { actor: ctx.actor, action: "run.cancelled", subject: { type: "run", id: runId }, ip: ctx.ip },
  });
}

export async function replayRunForAdmin({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<string> {
  const { runId } = parseInput(runIdInput, input);
  let newRunId: string;
  try {
    newRunId = await replayRun({ db: await runnerDb(), runId });
  } catch (error) {
    throw new AppError("conflict", (error as Error).message);
  }
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "run.replayed",
      subject: { type: "run", id: runId },
      data: { newRunId },
      ip: ctx.ip,
    },
  });
  return newRunId;
}

export const RUN_STATUSES = STATUSES;
