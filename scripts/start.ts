import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { withAllocatorDefaults } from "./allocator";
import { buildIfNeeded } from "./build-if-needed";

/**
 * `npm start`: build if needed, then run the GPU endpoint simulator and the production server.
 * The database migrations, demo
 * users and the embedded Inngest runner start inside the server process (instrumentation.ts),
 * because the embedded PGlite may be opened by one process only.
 */
const root = process.cwd();
buildIfNeeded(root);

const port = process.env.PORT ?? "3000";
const children: ChildProcess[] = [];

function run(name: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: "inherit", cwd: root, env: withAllocatorDefaults(process.env) });
  child.on("exit", (code, signal) => {
    console.log(`[kiln] ${name} exited (${signal ?? code})`);
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 5_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on("exit", r))))).then(() => process.exit(code));
}

process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

// The GPU endpoint simulator is its own process (as a real GPU server would be); 0 turns it off.
const simulatorPort = process.env.KILN_SIMULATOR_PORT ?? "7860";
// A GPU takes time; 1.5 s per image by default makes live progress visible (KILN_SIM_* knobs: simulator/README.md).
process.env.KILN_SIM_LATENCY_MS ??= "1500";
if (simulatorPort !== "0")
  run("gpu-simulator", [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "simulator", "main.ts"), "--port", simulatorPort]);
// KILN_HOST binds the app to one interface (e.g. 127.0.0.1, which INNGEST_DEV requires); all by default.
const host = process.env.KILN_HOST?.trim();
run("app", [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", port, ...(host ? ["-H", host] : [])]);
console.log(`[kiln] starting on http://localhost:${port}`);
