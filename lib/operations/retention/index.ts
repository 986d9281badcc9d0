import type { DbExecutor } from "@/db";
import { pruneApiRecords } from "@/lib/api/prune";
import { env } from "@/lib/env";
import type { BatchOptions } from "./batches";
import { pruneSignInAttempts, pruneWebhookDeliveries } from "./records";
import { pruneRunnerHistory, type RunnerPruneResult } from "./runner-history";

export { pruneRunnerHistory } from "./runner-history";
export { pruneSignInAttempts, pruneWebhookDeliveries } from "./records";

const DAY_MS = 86_400_000;

export type RetentionResult = {
  runner: RunnerPruneResult;
  signInAttempts: number;
  webhooks: { deliveries: number; attempts: number };
  api: { idempotencyKeys: number; rateWindows: number };
};

/**
 * One retention pass over everything Kiln keeps only for a while (the retention section of the
 * README). The audit log and the cost ledger are never pruned: they are the record.
 */
export async function pruneExpiredRecords({
  db,
  now = new Date(),
  ...options
}: { db: DbExecutor; now?: Date } & BatchOptions): Promise<RetentionResult> {
  const e = env();
  const runner = await pruneRunnerHistory({ db, now, keepMs: e.KILN_RETENTION_RUNS_DAYS * DAY_MS, ...options });
  const signInAttempts = await pruneSignInAttempts({
    db,
    now,
    keepMs: e.KILN_RETENTION_SIGN_IN_DAYS * DAY_MS,
    windowMs: e.KILN_SIGNIN_WINDOW_MINUTES * 60_000,
    ...options,
  });
  const webhooks = await pruneWebhookDeliveries({
    db,
    now,
    keepMs: e.KILN_RETENTION_WEBHOOK_DAYS * DAY_MS,
    ...options,
  });
  const api = await pruneApiRecords({ db, now, ...options });
  return { runner, signInAttempts, webhooks, api };
}

/** One log line with every count, for the scheduled function. */
export function describeRetention(r: RetentionResult): string {
  const runner = r.runner.skipped
    ? "runner: not embedded"
    : `runner: ${r.runner.runs} runs, ${r.runner.steps} steps, ${r.runner.events} events`;
  return `[retention] pruned ${runner}; ${r.signInAttempts} sign-in attempts; ${r.webhooks.deliveries} webhook deliveries (${r.webhooks.attempts} attempts); ${r.api.idempotencyKeys} idempotency keys, ${r.api.rateWindows} rate windows`;
}
