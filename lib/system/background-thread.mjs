/**
 * Imported first by every engine and model worker thread (lib/checks/models/workers/*.mjs,
 * lib/editing/engines/local/workers/*.mjs). On Linux a thread's nice value is its own, and threads it
 * starts (onnxruntime's, tfjs') inherit it: so in one process that serves pages too (role `all`),
 * inference yields the CPU to the thread that answers requests. The pools pass the level
 * (KILN_WORKER_NICE) as workerData; 0 leaves the thread as it is.
 *
 * The pools also pass a name ("check:nsfw", "edit:esrgan"), written to the OS thread's name
 * (/proc/thread-self/comm, 15 characters at most; threads it starts inherit it), so the model
 * threads' CPU time can be told apart from the rest of the process (`top -H`, bench/pipeline.ts).
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { workerData } from "node:worker_threads";

const nice = Number(workerData?.kilnNice ?? 0);
if (Number.isInteger(nice) && nice > 0 && os.getPriority() < nice) {
  try {
    os.setPriority(nice);
  } catch {
    // Not permitted here (a container without the capability to change it): run at the usual priority.
  }
}

const threadName = typeof workerData?.kilnThreadName === "string" ? workerData.kilnThreadName.slice(0, 15) : "";
if (threadName && process.platform === "linux") {
  try {
    writeFileSync("/proc/thread-self/comm", threadName);
  } catch {
    // No /proc here (a sandbox): the thread keeps the process's name.
  }
}
