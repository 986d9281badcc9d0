import { readdirSync } from "node:fs";
import os from "node:os";

/**
 * Keeps every thread of this process but the main one at nice `level` (Linux; elsewhere it does
 * nothing). The worker's main thread runs the background functions' JavaScript, and on the embedded
 * database it holds PGlite for a whole transaction while it prepares each next statement: niced, it
 * waits for a core while the pages it blocks wait for it (priority inversion). So on that shape the
 * main thread keeps the usual priority and the heavy threads — libuv's pool (sharp, hashing), V8's
 * helpers, the engine and model threads (which also nice themselves, lib/system/background-thread.mjs)
 * — are niced. Threads started later are found by the next sweep. A thread that has ended in between
 * is skipped; raising one's own threads' nice needs no privilege.
 */
export function niceHelperThreads(level: number, everyMs = 500): () => void {
  if (process.platform !== "linux" || level <= 0) return () => undefined;
  const sweep = () => {
    let tids: string[];
    try {
      tids = readdirSync("/proc/self/task");
    } catch {
      return;
    }
    for (const name of tids) {
      const tid = Number(name);
      if (tid === process.pid) continue;
      try {
        if (os.getPriority(tid) < level) os.setPriority(tid, level);
      } catch {
        // Ended since the listing, or not ours to change.
      }
    }
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
