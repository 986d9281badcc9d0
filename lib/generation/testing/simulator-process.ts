/**
 * The GPU simulator in its own process, as `npm start` runs it. Its rendering is CPU-bound
 * JavaScript; in the same process it would stall the app's and the runner's event loop and make
 * the pipeline look slower than it is. Stats and knobs go over its control API.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { SimulatorConfig, SimulatorStats } from "@/simulator";
import { freePort } from "./pipeline-harness";

export type SimulatorProcess = {
  url: string;
  pid: number;
  stats(): Promise<SimulatorStats>;
  /** CPU time the simulator process has used so far (Linux /proc; NaN elsewhere). */
  cpuMs(): number;
  setConfig(patch: Partial<SimulatorConfig>): Promise<void>;
  /** Zeroes the counters (calls still open stay counted in `open`/`peakOpen`). */
  reset(): Promise<void>;
  close(): Promise<void>;
};

const FLAGS: Partial<Record<keyof SimulatorConfig, string>> = {
  latencyMs: "latency-ms",
  jitterMs: "jitter-ms",
  errorRate: "error-rate",
  timeoutRate: "timeout-rate",
  faultSeed: "fault-seed",
};

type Knobs = Partial<Pick<SimulatorConfig, "latencyMs" | "jitterMs" | "errorRate" | "timeoutRate" | "faultSeed">>;

/**
 * `nice` lowers the simulator's CPU priority: on a real installation the GPU is another machine,
 * and its drawing happens inside the simulated latency, so it should take spare CPU only.
 */
export async function spawnSimulator(knobs: Knobs = {}, options: { nice?: number } = {}): Promise<SimulatorProcess> {
  const port = await freePort();
  const args = Object.entries(knobs).flatMap(([k, v]) => [`--${FLAGS[k as keyof SimulatorConfig]}`, String(v)]);
  // `node --import tsx` keeps it one process (nice execs it), so killing it leaves nothing behind.
  const node = [
    process.execPath,
    "--import",
    "tsx",
    path.resolve("simulator/main.ts"),
    "--port",
    String(port),
    ...args,
  ];
  const [command, ...rest] = options.nice ? ["nice", "-n", String(options.nice), ...node] : node;
  const child = spawn(command!, rest, { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("listening") && resolve());
    child.once("exit", (code) => reject(new Error(`the simulator exited (${code}): ${err}`)));
  });
  let closing = false;
  child.on("exit", (code, signal) => {
    if (!closing)
      console.error(`[simulator-process] the simulator exited unexpectedly (${code ?? signal}): ${err.slice(-2000)}`);
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid!,
    cpuMs() {
      try {
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in ticks.
        const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return NaN;
      }
    },
    stats: async () => (await (await fetch(`${url}/simulator/stats`)).json()) as SimulatorStats,
    async setConfig(patch) {
      const res = await fetch(`${url}/simulator/config`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(patch),
      });
      if (!res.ok) throw new Error(`simulator config refused: ${await res.text()}`);
    },
    async reset() {
      const res = await fetch(`${url}/simulator/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`simulator reset refused: ${await res.text()}`);
    },
    async close() {
      if (child.exitCode !== null) return;
      closing = true;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
