/**
 * The environment of a Kiln the benches start with `npm start`'s process list (scripts/processes.ts):
 * production, the demo users, its own data folder and ports, a short shutdown grace. Each bench adds
 * what it measures under (the simulator's latency, priorities, limits).
 */
export function benchKilnEnv(o: {
  port: number;
  dataDir: string;
  runnerPort: number;
  simulatorPort: number;
  workerPort: number;
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(o.port),
    KILN_URL: `http://localhost:${o.port}`,
    KILN_DATA_DIR: o.dataDir,
    KILN_DEMO: "1",
    KILN_RUNNER_PORT: String(o.runnerPort),
    KILN_SIMULATOR_PORT: String(o.simulatorPort),
    KILN_WORKER_PORT: String(o.workerPort),
    KILN_SHUTDOWN_GRACE_MS: "3000",
  };
}
