import type { ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { createUserFactory, ctxFor } from "@/test/factories";
import { createA1111Adapter } from "./a1111";
import { testProvider } from "./admin-test";
import { createProvider } from "./admin-write";
import { createReplicateAdapter } from "./replicate";
import { sendJson, startFakeServer, TINY_PNG, type FakeServer } from "./testing/fake-server";
import { ProviderError, type GenerateRequest } from "./types";

/**
 * The outbound policy end to end, through the adapters and the admin's "test connection": every
 * request is checked against the endpoint's url-safety rule at connect time (not only when the URL
 * was saved), redirects to forbidden addresses are never followed, and output downloads are capped.
 *
 * Forbidden targets are real servers on 127.0.0.1 reached through 0.0.0.0 (on Linux a connect to
 * the unspecified address lands on this machine, which is exactly why it is never allowed), so each
 * test can prove the target was never contacted. Public-looking answers come from injected lookups.
 */

type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;
const resolvesTo = (...addresses: string[]): Lookup => {
  let calls = 0;
  return async () => {
    const address = addresses[Math.min(calls++, addresses.length - 1)]!;
    return [{ address, family: address.includes(":") ? 6 : 4 }];
  };
};
const portOf = (server: FakeServer) => Number(new URL(server.url).port);

const REQ: GenerateRequest = {
  prompt: "a ceramic mug",
  negativePrompt: "",
  width: 512,
  height: 512,
  steps: 4,
  cfgScale: 7,
  sampler: "Euler a",
  seed: 7,
  model: "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b",
  loras: [],
};

let endpoint: FakeServer;
let target: FakeServer;
beforeEach(async () => {
  endpoint = await startFakeServer();
  target = await startFakeServer();
  target.route("GET", /.*/, (_req, res) => sendJson(res, 200, [{ title: "SECRET-INTERNAL-ANSWER" }]));
});
afterEach(async () => {
  await endpoint.close();
  await target.close();
  delete process.env.KILN_MAX_DOWNLOAD_BYTES;
  delete process.env.KILN_DOWNLOAD_TIMEOUT_MS;
  resetEnvForTests();
});

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "content-type": "text/plain" });
  res.end("moved");
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("connect-time address checks", () => {
  it("refuses a loopback IP literal when the endpoint does not allow private addresses", async () => {
    endpoint.route("GET", "/sdapi/v1/sd-models", (_req, res) => sendJson(res, 200, [{ title: "m" }]));
    const adapter = createA1111Adapter({ kind: "a1111", baseUrl: endpoint.url, allowPrivate: false });
    const error = await failure(adapter.listModels!());
    expect(error.message).toMatch(/loopback/);
    expect(error.retryable).toBe(false);
    expect(endpoint.requests).toHaveLength(0);
  });

  it("refuses a host name that resolves to a private address at call time (allowPrivate off)", async () => {
    endpoint.route("GET", "/sdapi/v1/sd-models", (_req, res) => sendJson(res, 200, [{ title: "m" }]));
    const adapter = createA1111Adapter(
      { kind: "a1111", baseUrl: `http://localhost:${portOf(endpoint)}`, allowPrivate: false },
      { lookup: resolvesTo("127.0.0.1") },
    );
    const error = await failure(adapter.listModels!());
    expect(error.message).toMatch(/loopback.*localhost \(127\.0\.0\.1\)/);
    expect(endpoint.requests).toHaveLength(0);
  });

  it("refuses a host name that resolves to the metadata service at call time, even with allowPrivate", async () => {
    endpoint.route("GET", "/sdapi/v1/sd-models", (_req, res) => sendJson(res, 200, [{ title: "m" }]));
    const adapter = createA1111Adapter(
      { kind: "a1111", baseUrl: `http://localhost:${portOf(endpoint)}`, allowPrivate: true },
      { lookup: resolvesTo("169.254.169.254") },
    );
    const error = await failure(adapter.generate(REQ));
    expect(error.message).toMatch(/metadata/);
    expect(endpoint.requests).toHaveLength(0);
  });

  it("still reaches a loopback endpoint that allows private addresses (the simulator's case)", async () => {
    endpoint.route("GET", "/sdapi/v1/sd-models", (_req, res) => sendJson(res, 200, [{ title: "model-a" }]));
    const byName = createA1111Adapter(
      { kind: "a1111", baseUrl: `http://localhost:${portOf(endpoint)}`, allowPrivate: true },
      { lookup: resolvesTo("127.0.0.1") },
    );
    await expect(byName.listModels!()).resolves.toEqual(["model-a"]);
    const byAddress = createA1111Adapter({ kind: "a1111", baseUrl: endpoint.url, allowPrivate: true });
    await expect(byAddress.listModels!()).resolves.toEqual(["model-a"]);
  });
});

describe("redirects on API calls", () => {
  it("are refused, and a forbidden redirect target is never contacted", async () => {
    endpoint.route("GET", "/sdapi/v1/sd-models", (_req, res) =>
      redirect(res, `http://0.0.0.0:${portOf(target)}/secret`),
    );
    const adapter = createA1111Adapter({ kind: "a1111", baseUrl: endpoint.url, allowPrivate: true });
    const error = await failure(adapter.listModels!());
    expect(error.message).toMatch(/redirect/i);
    expect(error.message).not.toContain("SECRET");
    expect(target.requests).toHaveLength(0);
  });
});

describe("output downloads", () => {
  const replicate = (output: string) => {
    endpoint.route("POST", "/v1/predictions", (_req, res) =>
      sendJson(res, 201, { id: "p1", status: "succeeded", output: [output], logs: "", metrics: { predict_time: 1 } }),
    );
    return createReplicateAdapter({
      kind: "replicate",
      baseUrl: `${endpoint.url}/v1`,
      apiKey: "r8_test",
      allowPrivate: true,
    });
  };

  it("refuses an output URL on a forbidden address without contacting it", async () => {
    target.route("GET", "/out.png", (_req, res) => void res.end(TINY_PNG));
    const error = await failure(replicate(`http://0.0.0.0:${portOf(target)}/out.png`).generate(REQ));
    expect(error.message).toMatch(/unspecified/);
    expect(target.requests).toHaveLength(0);
    const metadata = await failure(replicate("http://169.254.169.254/latest/meta-data/iam").generate(REQ));
    expect(metadata.message).toMatch(/metadata/);
  });

  it("follows a redirect to an allowed address, but not one to a forbidden address", async () => {
    endpoint.route("GET", "/files/a.png", (_req, res) => redirect(res, "/cdn/a.png"));
    endpoint.route("GET", "/cdn/a.png", (_req, res) => {
      res.writeHead(200, { "content-type": "image/png" });
      res.end(TINY_PNG);
    });
    const ok = await replicate(`${endpoint.url}/files/a.png`).generate(REQ);
    expect(ok.image.equals(TINY_PNG)).toBe(true);

    endpoint.route("GET", "/files/b.png", (_req, res) => redirect(res, `http://0.0.0.0:${portOf(target)}/b.png`));
    const error = await failure(replicate(`${endpoint.url}/files/b.png`).generate(REQ));
    expect(error.message).toMatch(/unspecified/);
    expect(error.message).not.toContain("SECRET");
    expect(target.requests).toHaveLength(0);
  });

  it("cuts an oversized download off at the cap", async () => {
    process.env.KILN_MAX_DOWNLOAD_BYTES = String(1024 * 1024);
    resetEnvForTests();
    let sent = 0;
    endpoint.route("GET", "/files/huge.png", async (_req, res) => {
      res.writeHead(200, { "content-type": "image/png" }); // no content-length: streamed
      const chunk = Buffer.concat([TINY_PNG, Buffer.alloc(64 * 1024 - TINY_PNG.length)]);
      for (let i = 0; i < 128 && !res.destroyed; i++) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
        sent += chunk.length;
      }
      res.end();
    });
    const error = await failure(replicate(`${endpoint.url}/files/huge.png`).generate(REQ, { timeoutMs: 10_000 }));
    expect(error.message).toMatch(/larger than .*1 MB/);
    expect(error.retryable).toBe(false);
    expect(sent).toBeLessThan(8 * 1024 * 1024);
  });

  it("refuses a declared size over the cap before reading it", async () => {
    process.env.KILN_MAX_DOWNLOAD_BYTES = String(1024 * 1024);
    resetEnvForTests();
    endpoint.route("GET", "/files/big.png", (_req, res) => {
      res.writeHead(200, { "content-type": "image/png", "content-length": String(5 * 1024 * 1024) });
      res.write(TINY_PNG);
    });
    const error = await failure(replicate(`${endpoint.url}/files/big.png`).generate(REQ, { timeoutMs: 10_000 }));
    expect(error.message).toMatch(/larger than .*1 MB/);
  });

  it("times a slow download out", async () => {
    process.env.KILN_DOWNLOAD_TIMEOUT_MS = "300";
    resetEnvForTests();
    endpoint.route("GET", "/files/slow.png", (_req, res) => {
      res.writeHead(200, { "content-type": "image/png" });
      res.write(TINY_PNG.subarray(0, 8)); // then stall
    });
    const started = Date.now();
    const error = await failure(replicate(`${endpoint.url}/files/slow.png`).generate(REQ, { timeoutMs: 10_000 }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/download.*300 ?ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a download that is not an image, without echoing its body", async () => {
    endpoint.route("GET", "/files/page", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>SECRET-INTERNAL-PAGE</html>");
    });
    const error = await failure(replicate(`${endpoint.url}/files/page`).generate(REQ));
    expect(error.message).toMatch(/not an image.*text\/html/);
    expect(error.message).not.toContain("SECRET");
  });
});

describe("the admin's test connection", () => {
  let database: Database;
  let admin: ReturnType<typeof ctxFor>;
  let n = 0;
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  });
  afterAll(() => database.close());

  const addEndpoint = async (baseUrl: string, allowPrivate: boolean, lookup?: Lookup) => {
    n += 1;
    const input = { slug: `box-${n}`, name: `Box ${n}`, kind: "a1111", baseUrl, allowPrivate };
    return createProvider({ ctx: admin, input, ...(lookup ? { deps: { lookup } } : {}) });
  };

  it("does not follow a 302 to a forbidden address, and never shows the target's body", async () => {
    endpoint.route("GET", "/sdapi/v1/sd-models", (_req, res) =>
      redirect(res, `http://0.0.0.0:${portOf(target)}/secret`),
    );
    const provider = await addEndpoint(endpoint.url, true);
    const result = await testProvider({ ctx: admin, input: { providerId: provider.id } });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/redirect/i);
    expect(result.message).not.toContain("SECRET");
    expect(target.requests).toHaveLength(0);
  });

  it("refuses at connect a host name that was public when saved but points at a forbidden address now", async () => {
    endpoint.route("GET", "/sdapi/v1/sd-models", (_req, res) =>
      sendJson(res, 200, [{ title: "SECRET-INTERNAL-ANSWER" }]),
    );
    const url = `http://localhost:${portOf(endpoint)}`;
    const saved = await addEndpoint(url, false, resolvesTo("203.0.113.10"));
    // The test's own pre-check still sees the public answer; the connection sees the private one.
    const rebound = await testProvider({
      ctx: admin,
      input: { providerId: saved.id },
      deps: { lookup: resolvesTo("203.0.113.10", "127.0.0.1") },
    });
    expect(rebound).toMatchObject({ ok: false });
    expect(rebound.message).toMatch(/loopback/);
    expect(rebound.message).not.toContain("SECRET");

    const metadata = await testProvider({
      ctx: admin,
      input: { providerId: saved.id },
      deps: { lookup: resolvesTo("203.0.113.10", "169.254.169.254") },
    });
    expect(metadata).toMatchObject({ ok: false });
    expect(metadata.message).toMatch(/metadata/);
    expect(endpoint.requests).toHaveLength(0);
  });
});
