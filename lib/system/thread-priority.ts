import { env } from "@/lib/env";

/**
 * What engine and model threads get as workerData: the nice level lib/system/background-thread.mjs
 * applies, and the name it gives the OS thread (e.g. "check:nsfw"), so `top -H`, `ps -L` and
 * bench/pipeline.ts can tell the model threads from the rest of the process.
 */
export function backgroundThreadData(threadName: string): { kilnNice: number; kilnThreadName: string } {
  return { kilnNice: env().KILN_WORKER_NICE, kilnThreadName: threadName };
}
