import os from "node:os";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { niceHelperThreads } from "./helper-threads-nice";

describe.runIf(process.platform === "linux")("niceHelperThreads", () => {
  it("nices the process's other threads, a thread started later included, and leaves the main thread as it is", async () => {
    const mainBefore = os.getPriority();
    const stop = niceHelperThreads(Math.min(19, mainBefore + 5), 20);
    try {
      // A thread started after the first sweep reports its own nice value once the sweep found it.
      const worker = new Worker(
        `const { parentPort } = require("node:worker_threads"); const os = require("node:os");
         const until = Date.now() + 5000;
         const poll = () => { const p = os.getPriority(); if (p > ${mainBefore} || Date.now() > until) parentPort.postMessage(p); else setTimeout(poll, 10); };
         poll();`,
        { eval: true },
      );
      const seen = await new Promise<number>((resolve) => worker.once("message", resolve));
      await worker.terminate();
      expect(seen).toBe(Math.min(19, mainBefore + 5));
      expect(os.getPriority()).toBe(mainBefore);
    } finally {
      stop();
    }
  });
});
