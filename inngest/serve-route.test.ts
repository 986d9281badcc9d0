/**
 * The app's real /api/inngest route in the default (embedded runner) configuration: it must
 * refuse every request that is not signed with the key the runner holds, reveal nothing to an
 * unsigned GET, and never put a stack trace or an absolute path in a response.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { canonicalJson, signBody } from "./runner/signing";

const dir = mkdtempSync(path.join(tmpdir(), "kiln-serve-route-"));
type Handler = (req: Request) => Promise<Response>;
let route: { GET: Handler; POST: Handler; PUT: Handler };
let database: Database | undefined;

beforeAll(async () => {
  vi.stubEnv("KILN_DATA_DIR", dir);
  vi.stubEnv("INNGEST_DEV", "");
  vi.stubEnv("INNGEST_SIGNING_KEY", "");
  vi.stubEnv("INNGEST_EVENT_KEY", "");
  vi.stubEnv("KILN_EMBEDDED_RUNNER", "");
  resetEnvForTests();
  // The signed call below runs a real step, which reads the database: give it a throw-away one.
  database = await createTestDatabase();
  useDatabaseForTests(database);
  route = (await import("@/app/api/inngest/route")) as unknown as typeof route;
}, 120_000);
afterAll(async () => {
  await database?.close();
  vi.unstubAllEnvs();
  resetEnvForTests();
  rmSync(dir, { recursive: true, force: true });
});

const FN = "kiln-uploads-create-renditions";
const url = (q = `?fnId=${FN}&stepId=step`) => `http://localhost:3000/api/inngest${q}`;
/** A forged run request: the body claims the safety check already passed. */
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
    run_id: "01FORGED",
    attempt: 0,
    max_attempts: 1,
    disable_immediate_execution: false,
    use_api: false,
    stack: { stack: [], current: 0 },
  },
  version: 2,
});
const post = (headers: Record<string, string> = {}, body = forged) =>
  route.POST(new Request(url(), { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));

describe("/api/inngest in the embedded (default) mode", () => {
  it("generates the runner's signing key once into the data folder", () => {
    const file = path.join(dir, "inngest-signing-key");
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, "utf8").trim()).toMatch(/^signkey-kiln-[0-9a-f]{64}$/);
  });

  it("refuses an unsigned POST without running anything", async () => {
    const res = await post();
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("step");
  });

  it("refuses a POST signed with another key", async () => {
    const res = await post({ "x-inngest-signature": signBody(forged, `signkey-kiln-${"ab".repeat(32)}`) });
    expect(res.status).toBe(401);
  });

  it("refuses a correctly signed request that is older than five minutes (a replay)", async () => {
    const key = readFileSync(path.join(dir, "inngest-signing-key"), "utf8").trim();
    const res = await post({ "x-inngest-signature": signBody(forged, key, Date.now() - 10 * 60_000) });
    expect(res.status).toBe(401);
  });

  it("tells an unsigned GET nothing about the functions", async () => {
    const res = await route.GET(new Request(url(""), { method: "GET" }));
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(text).not.toContain(FN);
    expect(text).not.toContain("function_count");
  });

  it("refuses an unsigned PUT (which would make the app register itself wherever the Host header says)", async () => {
    const res = await route.PUT(new Request(url(""), { method: "PUT", headers: { host: "evil.example" } }));
    expect(res.status).toBe(401);
  });
});

describe("/api/inngest answering the runner (signed)", () => {
  it("runs a signed call, and a failing step's answer carries no stack trace or absolute path, re-signed", async () => {
    const key = readFileSync(path.join(dir, "inngest-signing-key"), "utf8").trim();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await post({ "x-inngest-signature": signBody(forged, key) });
    const text = await res.text();
    // The upload does not exist: the step fails (without retry) and says so.
    expect([206, 400]).toContain(res.status);
    expect(text).toContain("does not exist");
    expect(text).not.toMatch(/\\n\s+at /);
    expect(text).not.toContain(process.cwd());
    expect(text).not.toContain("node_modules");
    expect(text).not.toContain(dir);
    // The runner verifies every answer: the cleaned body must still carry a valid signature.
    const { verifySignature } = await import("./runner/signing");
    expect(() => verifySignature(text, res.headers.get("x-inngest-signature"), key)).not.toThrow();
  }, 60_000);
});
