import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "kiln-runner-restart-"));
const dataDir = path.join(dir, "pglite");
const markers = path.join(dir, "markers.txt");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function start(appPort: number, runnerPort: number): Promise<ChildProcess> {
  // `node --import tsx` keeps it one process (the tsx CLI would fork a grandchild that a
  // SIGKILL of the CLI leaves running).
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.resolve("inngest/runner/restart-child.ts"),
      dataDir,
      markers,
      String(appPort),
      String(runnerPort),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("ready") && resolve(child));
    child.on("exit", (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

const lines = () => (existsSync(markers) ? readFileSync(markers, "utf8").trim().split("\n") : []);
async function until(check: () => boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out; markers: ${lines().join(",")}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("SIGKILL and restart", () => {
  it("resumes the run after kill -9 and never re-runs a completed step", async () => {
    const [appPort, runnerPort] = [await freePort(), await freePort()];
    const first = await start(appPort, runnerPort);
    const res = await fetch(`http://127.0.0.1:${runnerPort}/e/local`, {
      method: "POST",
      body: JSON.stringify({ name: "t/durable" }),
    });
    expect(res.status).toBe(200);
    await until(() => lines().includes("two-start"));
    first.kill("SIGKILL"); // mid-step: "one" and the sleep are memoized, "two" is in flight
    await new Promise((r) => first.once("exit", r));
    expect(lines()).toEqual(["one", "two-start"]);

    const second = await start(appPort, runnerPort);
    await until(() => lines().includes("run-completed"));
    second.kill("SIGTERM");
    await new Promise((r) => second.once("exit", r));

    // "one" ran exactly once; only the step that was in flight at the kill ran again.
    expect(lines()).toEqual(["one", "two-start", "two-start", "two-end", "three", "run-completed"]);
    const pg = await PGlite.create(dataDir);
    try {
      const runs = await pg.query<{ status: string; output: unknown }>(
        "SELECT status, output FROM inngest_runner_runs",
      );
      expect(runs.rows).toEqual([{ status: "completed", output: 6 }]);
      const steps = await pg.query<{ name: string; attempts: number }>(
        "SELECT name, attempts FROM inngest_runner_steps ORDER BY seq",
      );
      expect(steps.rows.map((s) => s.name)).toEqual(["one", "pause", "two", "three"]);
    } finally {
      await pg.close();
    }
  }, 60_000);
});
