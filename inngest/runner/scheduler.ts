import { applyOutcome } from "./apply";
import { fireDueCrons } from "./cron";
import { buildRequest, callApp, type CallJob, type MemoizedStep, type RunForCall } from "./call";
import { toError, type Engine } from "./engine";
import { ensureDiscovery, finishRun, recordStep } from "./runs";

type DueJob = CallJob & { kind: string; name: string | null; concurrency: Array<{ key: string; limit: number }> };

/**
 * The jobs due by $1, oldest first. Calls of runs with the same concurrency keys are read only as
 * far as the smallest of those limits: no more of them could start in this pass, and those in
 * flight (still in the table until their outcome is applied) are older, so the ones that can start
 * are within that many. Without the cap, a deep queue (a batch of hundreds of images on one GPU
 * endpoint) was read whole on every pass, hundreds of rows of which none could start.
 *
 * The read runs after every finished run, so it is kept cheap: the partition is the keys' JSON text
 * in byte order (comparing jsonb values, or text in a locale's collation, took most of its time on
 * PGlite with 600 jobs due: 10.6 → 4.7 ms), and the smallest limit is read from the (at most two,
 * as in Inngest; registry.ts refuses more) constraints directly, not by unnesting the array per row.
 */
const DUE_JOBS = `
  SELECT id, run_id, kind, step_id, name, attempt, payload, due_at, concurrency FROM (
    SELECT j.id, j.run_id, j.kind, j.step_id, j.name, j.attempt, j.payload, j.due_at, r.concurrency,
           CASE WHEN j.kind = 'call' AND jsonb_array_length(r.concurrency) > 0
                THEN row_number() OVER (PARTITION BY j.kind, r.concurrency::text COLLATE "C" ORDER BY j.due_at, j.id) END AS nth
      FROM inngest_runner_jobs j JOIN inngest_runner_runs r ON r.id = j.run_id
     WHERE j.due_at <= $1
  ) due
  WHERE nth IS NULL
     OR nth <= LEAST((concurrency->0->>'limit')::int, coalesce((concurrency->1->>'limit')::int, 2147483647))
  ORDER BY due_at, id LIMIT 500`;

/**
 * Runs due jobs. Durable state is the jobs table; what is in flight lives only in memory, so after
 * a crash every unfinished job is simply due again. Concurrency limits count in-flight calls per
 * key (as Inngest counts executing steps), never runs that are sleeping or waiting.
 */
export class Scheduler {
  private inFlight = new Set<number>();
  private perKey = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private ticking = false;
  private again = false;
  private stopped = false;
  private idle: Array<() => void> = [];
  /** Aborts calls in flight on stop; their jobs stay in the table and run again after a restart. */
  private abort = new AbortController();
  /** When to look at the cron table again: its earliest due time, re-read at least this often (a sync may add crons). */
  private cronCheckAt = 0;
  private cronGeneration = -1;
  private static readonly CRON_RECHECK_MS = 30_000;

  constructor(
    private engine: Engine,
    private opts: { maxInFlight: number; pollMs: number; callTimeoutMs: number; checkpointing: boolean },
  ) {}

  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.immediate) return;
    clearTimeout(this.timer);
    // setImmediate, not setTimeout(0): the latter costs a 1 ms timer tick per step.
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      void this.tick();
    });
  }

  /**
   * Stops scheduling. With a deadline (graceful shutdown) calls in flight may finish until then and
   * are aborted only after it; without one they are aborted at once. Either way an unfinished job
   * stays in the table and runs again on the next start.
   */
  async stop(deadline?: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    const idle =
      this.inFlight.size || this.ticking ? new Promise<void>((resolve) => this.idle.push(resolve)) : Promise.resolve();
    if (deadline !== undefined && deadline > Date.now()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([idle, new Promise<void>((r) => (timer = setTimeout(r, deadline - Date.now())))]);
      clearTimeout(timer);
    }
    this.abort.abort();
    await idle;
  }

  private settle(): void {
    if (this.stopped && !this.inFlight.size && !this.ticking) for (const done of this.idle.splice(0)) done();
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    let nextIn = this.opts.pollMs;
    try {
      do {
        this.again = false;
        const now = Date.now();
        // Due crons first: the runs they create are read with the jobs below, in this same pass.
        if (now >= this.cronCheckAt || this.engine.registry.generation !== this.cronGeneration) {
          this.cronGeneration = this.engine.registry.generation;
          const next = await fireDueCrons(this.engine, now);
          this.cronCheckAt = Math.min(next ?? Infinity, now + Scheduler.CRON_RECHECK_MS);
        }
        nextIn = Math.min(nextIn, Math.max(0, this.cronCheckAt - now));
        // One read serves both purposes: what is due now, and when the next job falls due.
        const jobs = await this.engine.db.query<DueJob & { due_at: number }>(DUE_JOBS, [now + this.opts.pollMs]);
        for (const job of jobs) {
          if (this.stopped) break;
          if (Number(job.due_at) > now) {
            nextIn = Math.min(nextIn, Math.max(0, Number(job.due_at) - Date.now()));
            break;
          }
          if (this.inFlight.has(job.id)) continue;
          if (job.kind === "call") {
            if (this.inFlight.size >= this.opts.maxInFlight) break;
            if (job.concurrency.some((c) => (this.perKey.get(c.key) ?? 0) >= c.limit)) continue;
          }
          this.start(job);
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.engine.logger.error("[inngest-runner] scheduler tick failed", err);
    } finally {
      this.ticking = false;
      if (!this.stopped) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.tick(), nextIn);
      }
      this.settle();
    }
  }

  private start(job: DueJob): void {
    // The fast path below and a tick whose read saw the same new job can both try to start it
    // (the job row exists from the commit on, before the fast path runs): only one may call.
    if (this.inFlight.has(job.id)) return;
    this.inFlight.add(job.id);
    const keys = job.kind === "call" ? job.concurrency.map((c) => c.key) : [];
    for (const k of keys) this.perKey.set(k, (this.perKey.get(k) ?? 0) + 1);
    const work: Promise<number | undefined | void> = job.kind === "call" ? this.runCall(job) : this.fireTimer(job);
    void work
      .catch((err) =>
        this.engine.logger.error(`[inngest-runner] job ${job.id} (${job.kind}) of run ${job.run_id} failed`, err),
      )
      .then((next) => {
        this.inFlight.delete(job.id);
        for (const k of keys) {
          const n = (this.perKey.get(k) ?? 1) - 1;
          if (n <= 0) this.perKey.delete(k);
          else this.perKey.set(k, n);
        }
        // Fast path: start the run's next call now instead of after the next read of the jobs
        // table. The slot checks are the same as in tick(); a stale start is caught in runCall.
        // It reuses the slot this job freed, so nothing else could start: no read needed then.
        if (
          typeof next === "number" &&
          !this.stopped &&
          !this.inFlight.has(next) &&
          this.inFlight.size < this.opts.maxInFlight &&
          !job.concurrency.some((c) => (this.perKey.get(c.key) ?? 0) >= c.limit)
        ) {
          this.start({ ...job, id: next, kind: "call", step_id: "", name: null, attempt: 0, payload: null });
        } else {
          this.wake();
        }
        this.settle();
      });
  }

  private async runCall(job: DueJob): Promise<number | undefined> {
    const { db, registry } = this.engine;
    // Joined with the job so a job that finished while this tick's read was in flight is not
    // called a second time (the read can be older than the completion that deleted it).
    // One statement reads the run and its memoized steps (in completion order: the step stack) and
    // marks a queued run as running; the read sees the run as it was before that mark. (At start-up,
    // before the app's first sync, a run can be marked running a moment before its call is made.)
    const [run] = await db.query<RunForCall & { steps: MemoizedStep[] }>(
      `WITH j AS (SELECT run_id FROM inngest_runner_jobs WHERE id = $1),
       started AS (UPDATE inngest_runner_runs SET status = 'running', started_at = $2
                    WHERE id = (SELECT run_id FROM j) AND status = 'queued' RETURNING id)
       SELECT r.id, r.function_id, r.event, r.status, r.version,
         (SELECT coalesce(json_agg(json_build_object('id', s.step_id, 'status', s.status, 'data', s.data, 'error', s.error) ORDER BY s.seq), '[]')
          FROM inngest_runner_steps s WHERE s.run_id = r.id AND s.status IN ('completed', 'failed')) AS steps
       FROM j JOIN inngest_runner_runs r ON r.id = j.run_id`,
      [job.id, Date.now()],
    );
    if (!run) return;
    const fn = registry.get(run.function_id);
    if (!fn) {
      if (!registry.synced) return; // re-polled after the first sync
      await db.transaction((q) =>
        finishRun(q, this.engine, run.id, "failed", {
          error: {
            name: "Error",
            message: `Embedded Inngest runner: function "${run.function_id}" is not in the app's last sync`,
          },
        }),
      );
      return;
    }
    const steps = typeof run.steps === "string" ? (JSON.parse(run.steps) as MemoizedStep[]) : run.steps;
    const built = buildRequest(run, fn, job, steps, this.opts.checkpointing);
    const url = this.engine.targets ? this.engine.targets.pick(built.url) : built.url;
    let outcome;
    const startedAt = Date.now();
    try {
      outcome = await callApp(this.engine, url, built.text, run.id, this.opts.callTimeoutMs, this.abort.signal);
    } catch (err) {
      outcome = { kind: "error" as const, error: toError(err), retriable: true, retryAt: null, countsAttempt: true };
    }
    // A refused connection (the worker is down) is not the function's failure: try another worker soon.
    if (outcome.kind === "error" && !outcome.countsAttempt) this.engine.targets?.down(url);
    // Stopped at once (aborted): leave the job due, as a crash would. Draining (graceful shutdown):
    // the call was let finish so that its result is kept — apply it.
    if (this.stopped && this.abort.signal.aborted) return undefined;
    return applyOutcome(this.engine, job, run, fn, outcome, startedAt);
  }

  /** A sleep ends, a waitForEvent times out (resolving to null) or an invoke times out. */
  private async fireTimer(job: DueJob): Promise<void> {
    await this.engine.db.transaction(async (q) => {
      const [run] = await q<{ status: string }>("SELECT status FROM inngest_runner_runs WHERE id = $1 FOR UPDATE", [
        job.run_id,
      ]);
      if (!run || ["completed", "failed", "cancelled"].includes(run.status)) return;
      const claimed = await q("DELETE FROM inngest_runner_jobs WHERE id = $1 RETURNING id", [job.id]);
      if (!claimed.length) return;
      const name = job.name ?? undefined;
      if (job.kind === "sleep")
        await recordStep(q, job.run_id, { id: job.step_id, name, op: "Sleep", status: "completed", data: null });
      else if (job.kind === "wait")
        await recordStep(q, job.run_id, { id: job.step_id, name, op: "WaitForEvent", status: "completed", data: null });
      else if (job.kind === "invoke") {
        await recordStep(q, job.run_id, {
          id: job.step_id,
          name,
          op: "InvokeFunction",
          status: "failed",
          error: {
            name: "InngestInvokeTimeoutError",
            message: "Timed out waiting for the invoked function to complete",
          },
        });
      } else throw new Error(`unknown job kind ${job.kind}`);
      await ensureDiscovery(q, this.engine, job.run_id);
    });
  }
}
