import { spawn, type ChildProcess } from "node:child_process";
import { buildIfNeeded } from "./build-if-needed";
import { kilnProcesses } from "./processes";

/**
 * `npm start`: build if needed, then run the GPU endpoint simulator and Kiln's processes
 * (scripts/processes.ts): one process on the embedded database, a web process and worker
 * processes on PostgreSQL. A stopping child stops the rest: a supervisor (systemd, Docker,
 * Kubernetes) restarts the whole, as it would restart one of many processes at scale.
 */
const root = process.cwd();
buildIfNeeded(root);

// A GPU takes time; 1.5 s per image by default makes live progress visible (KILN_SIM_* knobs: simulator/README.md).
process.env.KILN_SIM_LATENCY_MS ??= "1500";
const children: ChildProcess[] = [];

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  // Past the children's own grace period (KILN_SHUTDOWN_GRACE_MS), stop waiting for them.
  const grace = Number(process.env.KILN_SHUTDOWN_GRACE_MS ?? 30_000) + 5_000;
  setTimeout(() => process.exit(code), grace).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on("exit", r))))).then(() =>
    process.exit(code),
  );
}

process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

for (const spec of kilnProcesses(root, process.env)) {
  const child = spawn(spec.command, spec.args, { stdio: "inherit", cwd: root, env: spec.env });
  child.on("exit", (code, signal) => {
    console.log(`[kiln] ${spec.name} exited (${signal ?? code})`);
    shutdown(code ?? 1);
  });
  children.push(child);
}
console.log(`[kiln] starting on http://localhost:${process.env.PORT ?? "3000"}`);
