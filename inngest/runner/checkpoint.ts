import { z } from "zod";
import { recordStepRuns } from "./runs";
import type { Engine } from "./engine";
import type { OutgoingOp } from "./types";

/**
 * The SDK's async checkpoint (POST /v1/checkpoint/:runId/async, see checkpointStepsAsync in the
 * SDK's api.ts): steps it ran inside a call that is still going. Only finished steps are
 * accepted; anything else is refused (400) and the SDK then answers with those steps instead.
 */
const checkpointOp = z
  .object({
    id: z.string().min(1).max(200),
    op: z.enum(["StepRun", "Step"]),
    name: z.string().max(1000).optional(),
    displayName: z.string().max(1000).optional(),
    data: z.unknown().optional(),
    timing: z.object({ a: z.unknown().optional(), b: z.unknown().optional() }).optional(),
  })
  .passthrough();

export const checkpointBody = z
  .object({
    run_id: z.string().min(1),
    qi_id: z.string().regex(/^\d{1,18}$/, "qi_id must be the call's job id"),
    steps: z.array(checkpointOp).max(1000),
  })
  .passthrough();

export type CheckpointBody = z.infer<typeof checkpointBody>;

/**
 * Memoizes the steps of a checkpoint. "stale" when the call it came from is no longer the run's
 * call in flight (the run ended, was cancelled, or the call was given up and retried): the SDK
 * then stops the run's code rather than doing the work twice.
 */
export async function applyCheckpoint(engine: Engine, runId: string, body: CheckpointBody): Promise<"ok" | "stale"> {
  if (body.run_id !== runId) return "stale";
  if (body.steps.length === 0) return "ok";
  const startedAt = Date.now();
  return engine.db.transaction(async (q) => {
    const live = await q(
      `SELECT 1 FROM inngest_runner_jobs j JOIN inngest_runner_runs r ON r.id = j.run_id
        WHERE j.id = $1 AND j.run_id = $2 AND j.kind = 'call' AND r.status = 'running' FOR UPDATE OF r`,
      [body.qi_id, runId],
    );
    if (!live.length) return "stale";
    await recordStepRuns(q, runId, body.steps as OutgoingOp[], startedAt);
    return "ok";
  });
}
