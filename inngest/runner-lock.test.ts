/**
 * One embedded runner per database, proved with two real app processes on one real PostgreSQL
 * database: only the lock holder runs steps (each exactly once), the other stores its events for
 * it, and takes over when the holder is killed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";

const baseUrl = env().DATABASE_URL;
const dir = mkdtempSync(path.join(tmpdir(), "kiln-runner-lock-"));
const markers = path.join(dir, "markers.txt");
const children: ChildProcess[] = [];
const dbName = `kiln_lock_${randomBytes(5).toString("hex")}`;
let url = "";
let admin: postgres.Sql | undefined;

beforeAll(async () => {
  if (!baseUrl) return;
  admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
  url = u.toString();
});
afterAll(async () => {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of running) c.kill("SIGKILL");
  await Promise.all(running.map((c) => new Promise((r) => c.once("exit", r))));
  if (admin) {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end({ timeout: 5 });
  }
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

type Child = { proc: ChildProcess; runnerPort: number; output: () => string };

async function start(name: string, nolock = false): Promise<Child> {
  const [appPort, runnerPort] = [await freePort(), await freePort()];
  const args = [
    "--import",
    "tsx",
    path.resolve("inngest/runner-lock-child.ts"),
    url,
    markers,
    name,
    String(appPort),
    String(runnerPort),
  ];
  const proc = spawn(process.execPath, nolock ? [...args, "nolock"] : args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(proc);
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", () => /^ready (running|standby)$/m.test(out) && resolve());
    proc.on("exit", (code) => reject(new Error(`${name} exited ${code}: ${out}`)));
  });
  return { proc, runnerPort, output: () => out };
}

const lines = () => (existsSync(markers) ? readFileSync(markers, "utf8").trim().split("\n").filter(Boolean) : []);
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; markers: ${lines().join(",")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function send(c: Child, from: number, count: number) {
  const events = Array.from({ length: count }, (_, i) => ({
    name: "t/work",
    data: { n: from + i },
    id: `work-${from + i}`,
  }));
  const res = await fetch(`http://127.0.0.1:${c.runnerPort}/e/evt`, { method: "POST", body: JSON.stringify(events) });
  expect(res.status).toBe(200);
}
describe.skipIf(!baseUrl)("one embedded runner per PostgreSQL database (needs DATABASE_URL)", () => {
  it("runs every step once in the lock holder, stores the other's events for it, and fails over when the holder dies", async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const a = await start("A");
      expect(a.output()).toContain("ready running");
      const b = await start("B");
      expect(b.output()).toContain("ready standby");
      expect(b.output()).toContain("another process already runs the embedded Inngest runner");

      // Events reach the database through either process; only A's runner runs them.
      await send(a, 0, 6);
      await send(b, 6, 6);
      const done = async (n: number) =>
        (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM inngest_runner_runs WHERE status = 'completed'`)[0]!
          .n >= n;
      await until(() => done(12), "12 completed runs");
      const first = lines();
      expect(first.filter((l) => l.startsWith("B:"))).toEqual([]);
      for (let n = 0; n < 12; n++) {
        expect(first.filter((l) => l === `A:one:${n}`)).toHaveLength(1);
        expect(first.filter((l) => l === `A:two:${n}`)).toHaveLength(1);
      }

      // The holder dies mid-work: B takes the lock over and finishes everything, A's leftovers included.
      await send(b, 12, 6);
      await until(() => lines().some((l) => /^A:one:1[2-7]$/.test(l)), "A to start the next runs");
      a.proc.kill("SIGKILL");
      await new Promise((r) => a.proc.once("exit", r));
      await until(() => b.output().includes("role running"), "B to take over");
      expect(b.output()).toContain("this process runs it now");
      await send(b, 18, 3);
      await until(() => done(21), "21 completed runs");
      const all = lines();
      for (let n = 0; n < 21; n++) {
        // A step that was in flight at the kill may run again (at-least-once, as after any crash);
        // a completed one never does, and "two" only ever follows its own "one".
        expect(all.filter((l) => l.endsWith(`:two:${n}`))).toHaveLength(1);
        expect(all.filter((l) => l.endsWith(`:one:${n}`)).length).toBeGreaterThanOrEqual(1);
      }
      expect(
        all
          .filter((l) => l.endsWith(":one:18") || l.endsWith(":one:19") || l.endsWith(":one:20"))
          .every((l) => l.startsWith("B:")),
      ).toBe(true);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }, 180_000);
});
