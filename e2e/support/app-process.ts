import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/** A production server the test controls itself (to kill and restart it). */
export function startApp(port: number, env: Record<string, string>): ChildProcess {
  const root = process.cwd();
  return spawn(
    process.execPath,
    [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), KILN_URL: `http://localhost:${port}`, ...env },
      stdio: "ignore",
    },
  );
}

export async function waitUntilUp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    // Exited, or killed by a signal (then exitCode stays null): "exit" will not come again.
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
