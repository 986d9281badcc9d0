import os from "node:os";
import { env } from "@/lib/env";

/**
 * How many calls are in flight at once, from a GPU endpoint's slots to a worker's queue.
 *
 * - An endpoint takes at most `endpointCallLimit` provider calls at once: its own "Calls at once"
 *   (providers.concurrency_limit) under the machine-wide ceiling KILN_PROVIDER_CONCURRENCY. The
 *   database slot (lib/generation/provider-slots.ts) enforces it across processes.
 * - The generate function runs `generateCallsPerEndpoint` calls per endpoint: twice the ceiling. A
 *   call holds the endpoint's slot only from its claim to its ledger commit; the other half do their
 *   reads before the claim and their events and answer after it, then wait in the process for the
 *   next free slot (woken at once by a release), so the GPU never waits for that bookkeeping. With
 *   calls = slots, every slot also covered the call's bookkeeping and the runner's turn-around.
 * - Renditions of uploads are CPU work: `cpuFunctionConcurrency` runs at once, twice the cores, so
 *   one run's database and storage waits overlap another's CPU work. Models and libvips bound the
 *   CPU itself in their own threads.
 * - A new image's check run (its renditions, checks and decision) gets `checkFunctionConcurrency`
 *   places: as many as the generate function's calls per endpoint (twice the ceiling), or twice the
 *   cores when that is more. The checks must keep pace with what the slots produce. With the cores'
 *   count only (4 places against 16 slots), a busy worker took ~1.4 s per check run, so checks
 *   decided ~2.5 images/s while images came at ~11/s: the backlog grew for the whole batch (390
 *   images after 46 s), and a generated image waited tens of seconds to reach review. One place per
 *   slot still left a p95 of 12-20 s; two kept it to ~3-4 s (decision 0031).
 * - The embedded runner, and each worker process unless KILN_WORKER_CONCURRENCY says otherwise, run
 *   `functionCallsInFlight` calls at once: the generate calls of one endpoint at the ceiling and the
 *   checks' and renditions' runs, and at least 16 (the default ceiling of 4 gives 16). A worker limit
 *   fixed at 16 let a raised ceiling's generate calls, which mostly wait for the GPU, take every
 *   place, so checks and renditions queued behind them.
 */
export function endpointCallLimit(endpointLimit: number): number {
  return Math.max(1, Math.min(endpointLimit, env().KILN_PROVIDER_CONCURRENCY));
}

export function generateCallsPerEndpoint(): number {
  return 2 * env().KILN_PROVIDER_CONCURRENCY;
}

export function cpuFunctionConcurrency(): number {
  return 2 * Math.max(1, os.availableParallelism());
}

export function checkFunctionConcurrency(): number {
  return Math.max(cpuFunctionConcurrency(), generateCallsPerEndpoint());
}

export function functionCallsInFlight(): number {
  return Math.max(16, generateCallsPerEndpoint() + checkFunctionConcurrency() + cpuFunctionConcurrency());
}
