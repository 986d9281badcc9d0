import { parseArgs } from "node:util";
import type { SimulatorConfig } from "./config";
import { startSimulator } from "./index";

/**
 * Process entry: `tsx simulator/main.ts --port 7860 [--latency-ms 800 --error-rate 0.2 …]`.
 * Flags win over environment variables (KILN_SIMULATOR_PORT, KILN_SIM_LATENCY_MS, …); this is the
 * only file of the simulator that reads either, so tests configure it through startSimulator().
 */
const NUMERIC: [flag: string, key: Exclude<keyof SimulatorConfig, "nsfwMarker" | "apiAuth">][] = [
  ["latency-ms", "latencyMs"],
  ["jitter-ms", "jitterMs"],
  ["error-rate", "errorRate"],
  ["timeout-rate", "timeoutRate"],
  ["slow-rate", "slowRate"],
  ["slow-ms", "slowMs"],
  ["blur-rate", "blurRate"],
  ["washed-out-rate", "washedOutRate"],
  ["duplicate-rate", "duplicateRate"],
  ["fault-seed", "faultSeed"],
];
const envName = (flag: string) => `KILN_SIM_${flag.toUpperCase().replace(/-/g, "_")}`;

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "nsfw-marker": { type: "string" },
    "api-auth": { type: "string" },
    ...Object.fromEntries(NUMERIC.map(([flag]) => [flag, { type: "string" as const }])),
  },
  strict: true,
});
const flag = (name: string): string | undefined =>
  (values as Record<string, string | undefined>)[name] ?? process.env[envName(name)];

function number(name: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${raw}"`);
  return n;
}

const knobs: Partial<SimulatorConfig> = {};
for (const [name, key] of NUMERIC) {
  const raw = flag(name);
  if (raw !== undefined) knobs[key] = number(name, raw);
}
const marker = flag("nsfw-marker");
if (marker) knobs.nsfwMarker = marker;
const auth = flag("api-auth");
if (auth) knobs.apiAuth = auth;

const port = number("port", values.port ?? process.env.KILN_SIMULATOR_PORT ?? "7860");
const host = values.host ?? process.env.KILN_SIM_HOST ?? "127.0.0.1";

try {
  const sim = await startSimulator({ host, port, ...knobs });
  console.log(`[kiln-simulator] GPU endpoint simulator (AUTOMATIC1111 API) listening on ${sim.url}`);
  let stopping = false;
  const stop = () => {
    // A second signal, or a close that does not finish within 3 s, ends the process regardless.
    if (stopping) process.exit(0);
    stopping = true;
    setTimeout(() => process.exit(0), 3_000).unref();
    void sim.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(`[kiln-simulator] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
