import type { Piscina as PiscinaPool } from "piscina";
import { requireFromRoot, workerFile } from "./runtime";
import { backgroundThreadData } from "@/lib/system/thread-priority";

/**
 * An idle model thread is kept this long before it is stopped (its model then reloads on the next
 * check, about a second). Long enough to stay warm through a working session.
 */
export const MODEL_IDLE_TIMEOUT_MS = 30 * 60_000;

const pools = new Map<string, PiscinaPool>();

/**
 * The worker-thread pool of one model worker (workers/<name>.mjs): CPU-heavy inference never runs
 * on the thread that answers web requests. One thread per model (the machine has two cores and
 * the thread keeps its model warm); tasks queue. Created on first use.
 */
export function modelPool(name: string): PiscinaPool {
  let pool = pools.get(name);
  if (!pool) {
    const { Piscina } = requireFromRoot("piscina") as typeof import("piscina");
    pool = new Piscina({
      filename: workerFile(name),
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: MODEL_IDLE_TIMEOUT_MS,
      execArgv: [],
      workerData: backgroundThreadData(`check:${name}`),
    });
    pools.set(name, pool);
  }
  return pool;
}

/** Stops every model thread (tests, benches and graceful shutdown); a later check starts them again. */
export async function closeModelPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}
