import { env } from "@/lib/env";

/** What engine and model threads get as workerData: the nice level lib/system/background-thread.mjs applies. */
export function backgroundThreadData(): { kilnNice: number } {
  return { kilnNice: env().KILN_WORKER_NICE };
}
