import { spawn } from "node:child_process";
import { withAllocatorDefaults } from "../../scripts/allocator";
import { kilnProcesses } from "../../scripts/processes";
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

/**
 * Starts one production server for the browser tests on an empty database: a fresh PGlite
 * folder by default, or a fresh database on the server in DATABASE_URL.
 */
const [name = "demo", port = "3100"] = process.argv.slice(2);
const root = process.cwd();
const dataDir = path.join(root, ".data", `e2e-${name}`);
rmSync(dataDir, { recursive: true, force: true });

// The server runs with the allocator settings `npm start` gives it (scripts/allocator.ts).
const env: NodeJS.ProcessEnv = withAllocatorDefaults({
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  KILN_URL: `http://localhost:${port}`,
  KILN_DATA_DIR: dataDir,
  KILN_DEMO: name === "demo" ? "1" : "0",
  KILN_RUNNER_PORT: String(Number(port) + 5000),
  KILN_SIMULATOR_PORT: String(Number(port) + 5100),
  // e2e/webhooks.spec.ts delivers to a receiver it runs on loopback (off by default: lib/env.ts).
  KILN_WEBHOOK_ALLOW_PRIVATE: "1",
  KILN_METRICS_TOKEN: "e2e-metrics-token-0123456789",
});

if (process.env.DATABASE_URL) {
  const dbName = `kiln_e2e_${name}_${port}`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${dbName}`;
  env.DATABASE_URL = url.toString();
}

// The same processes `npm start` runs (scripts/processes.ts): a web process and a worker.
env.KILN_WORKER_PORT = String(Number(port) + 5200);
// Tests stop servers often: a short grace period keeps teardown quick.
env.KILN_SHUTDOWN_GRACE_MS ??= "5000";
let exitCode: number | null = null;
const children = kilnProcesses(root, env).map((spec) => {
  const child = spawn(spec.command, spec.args, { cwd: root, env: spec.env, stdio: "inherit" });
  // One process stopping stops the rest (as `npm start` does); exit once all have stopped.
  child.on("exit", (code) => {
    if (exitCode === null) {
      exitCode = code ?? 0;
      for (const other of children)
        if (other !== child && other.exitCode === null && other.signalCode === null) other.kill("SIGTERM");
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
  return child;
});
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
