import { existsSync } from "node:fs";
import path from "node:path";
import { withAllocatorDefaults } from "./allocator";

/**
 * The processes of one Kiln installation on one machine, for `npm start` and the browser tests'
 * server alike (docs/decisions/0024-web-and-worker-processes.md):
 *
 * - the GPU endpoint simulator (unless KILN_SIMULATOR_PORT=0);
 * - one web process (pages, API) and KILN_WORKERS worker processes (background functions and
 *   engines, at a lower OS priority so pages stay responsive); the first worker runs the embedded
 *   runner and spreads calls over all workers. On the embedded PGlite a database process owns the
 *   database and serves it to both (docs/decisions/0027-embedded-database-host.md);
 * - KILN_ROLE=all: one process doing everything, as before the split (for a machine short of memory).
 */
export type ProcessSpec = { name: string; command: string; args: string[]; env: NodeJS.ProcessEnv };

export function kilnProcesses(root: string, base: NodeJS.ProcessEnv): ProcessSpec[] {
  const env = withAllocatorDefaults({ ...withoutNpmVariables(base), NEXT_MANUAL_SIG_HANDLE: "1" });
  const node = process.execPath;
  // tsx as a loader in the process itself, not its CLI: the CLI runs the script in a child process,
  // which a SIGKILL of the CLI would leave running (holding ports and the runner's lock).
  const prof = env.KILN_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${env.KILN_CPU_PROF}`] : [];
  const tsx = [...prof, "--import", "tsx"];
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const port = env.PORT ?? "3000";
  // KILN_HOST binds the app to one interface (e.g. 127.0.0.1, which INNGEST_DEV requires); all by default.
  const host = env.KILN_HOST?.trim();
  const nextArgs = [...prof, next, "start", "-p", port, ...(host ? ["-H", host] : [])];
  const specs: ProcessSpec[] = [];

  const simulatorPort = env.KILN_SIMULATOR_PORT ?? "7860";
  if (simulatorPort !== "0")
    specs.push({
      name: "gpu-simulator",
      command: node,
      args: [...tsx, path.join(root, "simulator", "main.ts"), "--port", simulatorPort],
      env,
    });

  if (base.KILN_ROLE === "all") {
    specs.push({ name: "app", command: node, args: nextArgs, env: { ...env, KILN_ROLE: "all" } });
    return specs;
  }

  const workers = Math.max(1, Number(env.KILN_WORKERS ?? 1) || 1);
  const firstWorkerPort = Number(env.KILN_WORKER_PORT ?? Number(port) + 1);
  const workerHost = env.KILN_WORKER_HOST?.trim() || "127.0.0.1";
  const urls = Array.from(
    { length: workers },
    (_, i) => `http://${workerHost === "0.0.0.0" ? "127.0.0.1" : workerHost}:${firstWorkerPort + i}/api/inngest`,
  );
  // On the embedded PGlite a database process owns the data folder and serves it to the others
  // (docs/decisions/0027), at normal priority: the pages' queries run there.
  if (!env.DATABASE_URL)
    specs.push({
      name: "database",
      command: node,
      args: [...tsx, path.join(root, "scripts", "database.ts")],
      env: { ...env, KILN_ROLE: "database" },
    });
  specs.push({ name: "web", command: node, args: nextArgs, env: { ...env, KILN_ROLE: "web" } });
  const nice = Number(env.KILN_WORKER_NICE ?? 10);
  // The whole worker is niced by default. KILN_WORKER_NICE_SCOPE=threads keeps its main thread (which
  // holds the embedded database through each transaction) at the usual priority and nices the rest
  // (lib/system/helper-threads-nice.ts); measured on PGlite it changed page_p95_ratio by 0.01, so it
  // is an option, not the default.
  const scope = env.KILN_WORKER_NICE_SCOPE?.trim() || "process";
  for (let i = 0; i < workers; i++) {
    const workerEnv: NodeJS.ProcessEnv = {
      ...env,
      KILN_WORKER_NICE_SCOPE: scope,
      KILN_ROLE: "worker",
      KILN_WORKER_PORT: String(firstWorkerPort + i),
      KILN_WORKER_URLS: env.KILN_WORKER_URLS ?? urls.join(","),
      // One runner per machine's runner port: the first worker runs it (the lock still guards the database).
      ...(i > 0 ? { KILN_EMBEDDED_RUNNER: "0" } : {}),
    };
    const args = [...tsx, path.join(root, "scripts", "worker.ts")];
    const name = workers > 1 ? `worker-${i + 1}` : "worker";
    specs.push(
      nice > 0 && NICE && scope === "process"
        ? { name, command: NICE, args: ["-n", String(nice), node, ...args], env: workerEnv }
        : { name, command: node, args, env: workerEnv },
    );
  }
  return specs;
}

/**
 * The environment without npm's own variables (npm_config_*, npm_package_*, npm_lifecycle_*: 29 of
 * 68 variables under `npx`, more under `npm start`). Kiln reads none of them, and the Inngest SDK
 * copies and filters the whole environment on every call a worker handles (getProcessEnv: 7–10 ms
 * of a worker's main thread per image in a CPU profile of bench:pipeline).
 */
export function withoutNpmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("npm_"))) as NodeJS.ProcessEnv;
}

/** coreutils' nice: every thread of the worker (V8's, libuv's, the engines') inherits its priority. */
const NICE = ["/usr/bin/nice", "/bin/nice"].find((p) => existsSync(p));
