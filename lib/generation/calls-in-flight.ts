import { env } from "@/lib/env";

/**
 * How many calls are in flight at once, from a GPU endpoint's slots to a worker's queue.
 *
 * - An endpoint takes at most `endpointCallLimit` provider calls at once: its own "Calls at once"
 *   (providers.concurrency_limit) under the machine-wide ceiling KILN_PROVIDER_CONCURRENCY, which is
 *   also the generate function's concurrency per endpoint. The database slot
 *   (lib/generation/provider-slots.ts) enforces it across processes.
 * - The embedded runner, and each worker process unless KILN_WORKER_CONCURRENCY says otherwise, run
 *   `functionCallsInFlight` calls at once: twice the ceiling (a generate call and the call that ends
 *   its run) plus room for the other functions, and at least 16 (the default ceiling of 4 gives 16, as
 *   before). A worker limit fixed at 16 let a raised ceiling's generate calls, which mostly wait for
 *   the GPU, take every place, so checks and renditions queued behind them.
 *   The CPU-bound work stays bounded where it runs: the checks' models in their threads, and the
 *   check and rendition functions by their own concurrency.
 */
export function endpointCallLimit(endpointLimit: number): number {
  return Math.max(1, Math.min(endpointLimit, env().KILN_PROVIDER_CONCURRENCY));
}

export function functionCallsInFlight(): number {
  return Math.max(16, 2 * env().KILN_PROVIDER_CONCURRENCY + 8);
}
