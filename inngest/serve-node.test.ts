/**
 * The worker's function server (KILN_ROLE=worker): the same guarantees as the Next.js route
 * (serve-route.test.ts) over real HTTP — unsigned calls refused, a failing step's answer cleaned of
 * stacks and paths and re-signed — plus its health answer and its drain on shutdown.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { canonicalJson, signBody, verifySignature } from "./runner/signing";
import type { FunctionServer } from "./serve-node";

const dir = mkdtempSync(path.join(tmpdir(), "kiln-serve-node-"));
let server: FunctionServer;
let database: Database | undefined;
let key = "";

beforeAll(async () => {
  vi.stubEnv("KILN_DATA_DIR", dir);
  vi.stubEnv("INNGEST_DEV", "");
  vi.stubEnv("INNGEST_SIGNING_KEY", "");
  vi.stubEnv("KILN_EMBEDDED_RUNNER", "");
  resetEnvForTests();
  database = await createTestDatabase();
  useDatabaseForTests(database);
  const { engineConfig } = await import("./engine-config");
  const { startFunctionServer } = await import("./serve-node");
  key = engineConfig().signingKey!;
  server = await startFunctionServer({
    host: "127.0.0.1",
    port: 0,
    signingKey: key,
    concurrency: 2,
    log: { error: () => {} },
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
  vi.unstubAllEnvs();
  resetEnvForTests();
  rmSync(dir, { recursive: true, force: true });
});

const FN = "kiln-uploads-create-renditions";
const forged = canonicalJson({
  event: {
    name: "kiln/upload.created",
    data: { uploadId: "00000000-0000-0000-0000-000000000000" },
    id: "e1",
    ts: Date.now(),
  },
  events: [],
  steps: {},
  ctx: {
    run_id: "01WORKER",
    attempt: 0,
    max_attempts: 1,
    disable_immediate_execution: false,
    use_api: false,
    stack: { stack: [], current: 0 },
  },
  version: 2,
});
const call = (headers: Record<string, string> = {}) =>
  fetch(`${server.url}?fnId=${FN}&stepId=step`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: forged,
  });

describe("the worker's function server", () => {
  it("uses the key generated into the data folder", () => {
    expect(readFileSync(path.join(dir, "inngest-signing-key"), "utf8").trim()).toBe(key);
  });

  it("answers its health check with how busy it is", async () => {
    const res = await fetch(new URL("/health", server.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", running: 0, waiting: 0 });
  });

  it("refuses unsigned calls and unsigned syncs", async () => {
    expect((await call()).status).toBe(401);
    expect((await fetch(server.url, { method: "PUT", headers: { host: "evil.example" } })).status).toBe(401);
  });

  it("runs a signed call; a failing step's answer has no stack or path and is signed again", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await call({ "x-inngest-signature": signBody(forged, key) });
    const text = await res.text();
    expect([206, 400]).toContain(res.status);
    expect(text).toContain("does not exist");
    expect(text).not.toMatch(/\\n\s+at /);
    expect(text).not.toContain(process.cwd());
    expect(() => verifySignature(text, res.headers.get("x-inngest-signature"), key)).not.toThrow();
  }, 60_000);

  it("draining: refuses new calls with 503 (the engine retries them elsewhere) and reports it", async () => {
    expect(await server.drain(Date.now() + 1_000)).toBe(true);
    const res = await call({ "x-inngest-signature": signBody(forged, key) });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await fetch(new URL("/health", server.url))).status).toBe(503);
  });
});
