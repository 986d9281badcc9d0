import { createServer } from "node:http";
import { isIP } from "node:net";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONFIG, parseConfigPatch, type SimulatorConfig } from "./config";
import { a1111Error } from "./requests";
import { SimulatorState, type SimulatorStats } from "./server";

/**
 * The GPU endpoint simulator: an AUTOMATIC1111-compatible HTTP server for development, tests and
 * benchmarks. It binds to loopback only — it has no authentication of its control endpoints and is
 * never meant to be reachable from another machine.
 */
export type { SimulatorConfig, SimulatorStats };
export { DEFAULT_CONFIG };

export type StartSimulatorOptions = { host?: string; port: number } & Partial<SimulatorConfig>;

export type RunningSimulator = {
  url: string;
  port: number;
  close(): Promise<void>;
  setConfig(partial: Partial<SimulatorConfig>): SimulatorConfig;
  getConfig(): SimulatorConfig;
  stats(): SimulatorStats;
  /** Zeroes the counters and restarts the fault-dice sequence. */
  reset(): void;
};

/** Loopback only: 127.0.0.0/8, ::1 and the name localhost (bound as 127.0.0.1). */
export function loopbackHost(host: string): string {
  if (host === "localhost") return "127.0.0.1";
  if (isIP(host) === 4 && host.startsWith("127.")) return host;
  if (host === "::1" || host === "[::1]") return "::1";
  throw new Error(`The GPU simulator binds to loopback only (127.0.0.1, ::1 or localhost); refusing host "${host}".`);
}

export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  const { host = "127.0.0.1", port, ...knobs } = options;
  const bindHost = loopbackHost(host);
  const state = new SimulatorState({ ...DEFAULT_CONFIG, ...parseConfigPatch(knobs) });
  const server = createServer((req, res) => {
    state.handle(req, res).catch((error: unknown) => {
      // Like A1111's middleware: an unexpected error becomes a 500 with the exception's name and text.
      const e = error instanceof Error ? error : new Error(String(error));
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json", "x-kiln-simulator": "1" });
        res.end(JSON.stringify(a1111Error(e.name, "", e.message)));
      } else res.destroy();
    });
  });
  // Image calls can legitimately take minutes (slowMs, large latencies); don't let Node cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, bindHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of state.hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    setConfig: (partial) => state.setConfig(parseConfigPatch(partial)),
    getConfig: () => state.config,
    stats: () => state.stats,
    reset: () => state.reset(),
  };
}
