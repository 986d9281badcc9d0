import os from "node:os";
import path from "node:path";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import type { Piscina as PiscinaPool } from "piscina";
import { MODEL_IDLE_TIMEOUT_MS } from "@/lib/checks/models/pool";
import { requireFromRoot } from "@/lib/checks/models/runtime";
import type { EngineCallOptions } from "../types";
import { backgroundThreadData } from "@/lib/system/thread-priority";

/** Threads of the ESRGAN pool: tfjs-wasm runs single-threaded under Node, so one image is split in bands over the cores. */
export const ESRGAN_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));

/** Threads of the Telea pool: opencv.js is single-threaded wasm, so the boxes of one mask are shared over the cores. */
export const TELEA_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));

/** Threads per engine worker (workers/<name>.mjs). onnxruntime uses its own threads inside one. */
const THREADS: Record<EngineWorker, number> = { esrgan: ESRGAN_THREADS, imgly: 1, telea: TELEA_THREADS };

export type EngineWorker = "esrgan" | "imgly" | "telea";

const pools = new Map<EngineWorker, PiscinaPool>();

/** A plain-JS worker file of this folder, resolved from the project root (works under vitest and in the Next.js server alike). */
export function engineWorkerFile(name: EngineWorker): string {
  return path.join(process.cwd(), "lib/editing/engines/local/workers", `${name}.mjs`);
}

/**
 * The worker-thread pool of one local engine: CPU-heavy editing never runs on the thread that
 * answers web requests. Each thread loads its model once and keeps it warm while tasks queue.
 */
export function enginePool(name: EngineWorker): PiscinaPool {
  let pool = pools.get(name);
  if (!pool) {
    const { Piscina } = requireFromRoot("piscina") as typeof import("piscina");
    const threads = THREADS[name];
    pool = new Piscina({
      filename: engineWorkerFile(name),
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: MODEL_IDLE_TIMEOUT_MS,
      execArgv: [],
      workerData: backgroundThreadData(`edit:${name}`),
    });
    pools.set(name, pool);
  }
  return pool;
}

/** Stops every engine thread (tests, benches, shutdown); the next edit starts them again. */
export async function closeEnginePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}

/** The signal a task obeys: the caller's, and the timeout if one is given. */
function signalOf(options?: EngineCallOptions): AbortSignal | undefined {
  const signals = [options?.signal, options?.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter(
    (s): s is AbortSignal => !!s,
  );
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

/**
 * Progress from worker threads to one onProgress: each task posts fractions of its own work on a
 * MessagePort; `report(part, fraction)` maps them onto [from, to] of the whole, weighted by the
 * parts' shares, never going backwards. Calls to onProgress run one after another; `settle()`
 * waits for them (so a failing callback fails the edit instead of vanishing).
 */
export class ProgressRelay {
  private readonly done: number[];
  private last = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly onProgress: EngineCallOptions["onProgress"],
    private readonly shares: number[] = [1],
    private readonly from = 0,
    private readonly to = 1,
  ) {
    this.done = shares.map(() => 0);
  }

  report(part: number, fraction: number): void {
    this.done[part] = Math.max(this.done[part] ?? 0, Math.min(1, fraction));
    const total = this.shares.reduce((sum, s) => sum + s, 0);
    const finished = this.shares.reduce((sum, s, i) => sum + s * (this.done[i] ?? 0), 0);
    const whole = this.from + ((this.to - this.from) * finished) / total;
    this.emit(whole);
  }

  emit(fraction: number): void {
    if (!this.onProgress || fraction <= this.last) return;
    this.last = fraction;
    const onProgress = this.onProgress;
    this.chain = this.chain.then(() => onProgress(fraction));
  }

  settle(): Promise<void> {
    return this.chain;
  }
}

/**
 * Runs one task on an engine pool with a progress port: the task gets `port` (posting fractions of
 * its work) and the listed buffers are moved, not copied, into the thread.
 */
export async function runEngineTask<R>(
  name: EngineWorker,
  task: Record<string, unknown>,
  progress: { relay: ProgressRelay; part?: number } | undefined,
  options: EngineCallOptions | undefined,
  transfer: ArrayBuffer[] = [],
): Promise<R> {
  const channel = new MessageChannel();
  channel.port1.on("message", (fraction: number) => progress?.relay.report(progress.part ?? 0, fraction));
  try {
    const transferList: (ArrayBuffer | MessagePort)[] = [channel.port2, ...transfer];
    return (await enginePool(name).run(
      { ...task, port: channel.port2 },
      { transferList, signal: signalOf(options) },
    )) as R;
  } finally {
    channel.port1.close();
  }
}
