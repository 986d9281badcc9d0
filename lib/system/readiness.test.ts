import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { resetBlobStoreForTests } from "@/lib/storage";
import { checkReadiness, reportEmbeddedRunner } from "./readiness";

let database: Database;
let dir: string;
let engine: http.Server;
let engineUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  dir = mkdtempSync(path.join(tmpdir(), "kiln-ready-"));
  vi.stubEnv("KILN_DATA_DIR", dir);
  engine = http.createServer((_req, res) => res.end("ok")).listen(0, "127.0.0.1");
  await new Promise((r) => engine.once("listening", r));
  engineUrl = `http://127.0.0.1:${(engine.address() as AddressInfo).port}`;
  resetEnvForTests();
  resetBlobStoreForTests();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  resetEnvForTests();
  resetBlobStoreForTests();
  engine.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("checkReadiness", () => {
  it("is ready when the database, the blob store and a running embedded runner answer", async () => {
    vi.stubEnv("KILN_RUNNER_PORT", String((engine.address() as AddressInfo).port));
    resetEnvForTests();
    reportEmbeddedRunner(() => "running");
    const r = await checkReadiness();
    expect(r.checks.database).toMatchObject({ ok: true, detail: "answers queries" });
    expect(r.checks.blobs).toMatchObject({ ok: true });
    expect(r.checks.engine).toMatchObject({ ok: true, detail: "embedded runner: running" });
    expect(r.ready).toBe(true);
  });

  it("counts a standby runner as ready: events wait in the database for the process holding the lock", async () => {
    reportEmbeddedRunner(() => "standby");
    const r = await checkReadiness();
    expect(r.checks.engine.detail).toMatch(/standby/);
    expect(r.ready).toBe(true);
  });

  it("is not ready when the engine cannot be reached, and says which check failed without internal detail", async () => {
    vi.stubEnv("INNGEST_DEV", "http://127.0.0.1:9");
    vi.stubEnv("KILN_EMBEDDED_RUNNER", "0");
    resetEnvForTests();
    try {
      const r = await checkReadiness();
      expect(r.ready).toBe(false);
      expect(r.checks.database.ok).toBe(true);
      expect(r.checks.engine).toMatchObject({ ok: false, detail: "unreachable" });
    } finally {
      vi.stubEnv("INNGEST_DEV", "");
      vi.stubEnv("KILN_EMBEDDED_RUNNER", "");
      resetEnvForTests();
    }
  });

  it("times a silent dependency out instead of hanging the probe", async () => {
    const r = await checkReadiness({
      database: () => new Promise(() => {}),
      blobs: async () => {},
      engine: async () => engineUrl,
      timeoutMs: 50,
    });
    expect(r.ready).toBe(false);
    expect(r.checks.database).toMatchObject({ ok: false, detail: "does not answer (no answer within 50 ms)" });
    expect(r.checks.blobs.ok).toBe(true);
  });

  it("fails the blob check when the store throws", async () => {
    const r = await checkReadiness({
      database: async () => {},
      blobs: async () => Promise.reject(new Error("ECONNREFUSED 10.0.0.5")),
      engine: async () => "reachable",
    });
    expect(r.checks.blobs).toEqual({ ok: false, ms: expect.any(Number), detail: "does not answer" });
    expect(JSON.stringify(r)).not.toContain("10.0.0.5");
  });
});
