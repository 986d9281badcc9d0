import { describe, expect, it } from "vitest";
import { callTargets } from "./targets";

const fn = new URL("http://127.0.0.1:3001/api/inngest?fnId=kiln-x&stepId=step");

describe("call targets (several workers)", () => {
  it("spreads calls over the workers in turn, keeping each call's query", () => {
    const targets = callTargets(["http://127.0.0.1:4001/api/inngest", "http://127.0.0.1:4002/api/inngest"])!;
    const picked = [1, 2, 3, 4].map(() => targets.pick(fn).href);
    expect(picked).toEqual([
      "http://127.0.0.1:4001/api/inngest?fnId=kiln-x&stepId=step",
      "http://127.0.0.1:4002/api/inngest?fnId=kiln-x&stepId=step",
      "http://127.0.0.1:4001/api/inngest?fnId=kiln-x&stepId=step",
      "http://127.0.0.1:4002/api/inngest?fnId=kiln-x&stepId=step",
    ]);
  });

  it("skips a worker that refused a connection for five seconds, then tries it again", () => {
    let now = 1_000;
    const targets = callTargets(["http://127.0.0.1:4001/api/inngest", "http://127.0.0.1:4002/api/inngest"], () => now)!;
    targets.down(new URL("http://127.0.0.1:4002/api/inngest?fnId=a"));
    expect([1, 2, 3].map(() => new URL(targets.pick(fn)).port)).toEqual(["4001", "4001", "4001"]);
    now += 5_001;
    expect(new Set([1, 2].map(() => new URL(targets.pick(fn)).port))).toEqual(new Set(["4001", "4002"]));
  });

  it("falls back to the next in turn when every worker is down (the call then fails and is retried)", () => {
    const targets = callTargets(["http://a.test/api/inngest", "http://b.test/api/inngest"])!;
    targets.down(new URL("http://a.test/api/inngest"));
    targets.down(new URL("http://b.test/api/inngest"));
    expect(["a.test", "b.test"]).toContain(targets.pick(fn).host);
  });

  it("is off without URLs", () => {
    expect(callTargets([])).toBeUndefined();
  });
});

describe("a call to a worker that is stopping or gone", () => {
  it("is retried without spending one of the function's attempts", async () => {
    const { createServer } = await import("node:http");
    const { callApp } = await import("./call");
    const server = createServer(
      (_req, res) =>
        void res.writeHead(503, { "retry-after": "1", "content-type": "text/plain" }).end("this worker is stopping"),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const engine = { signingKey: undefined } as unknown as Parameters<typeof callApp>[0];
    try {
      const stopping = await callApp(
        engine,
        new URL(`http://127.0.0.1:${port}/api/inngest?fnId=f`),
        "{}",
        "run-1",
        5_000,
      );
      expect(stopping).toMatchObject({ kind: "error", retriable: true, countsAttempt: false });
    } finally {
      await new Promise((r) => server.close(r));
    }
    const gone = await callApp(engine, new URL(`http://127.0.0.1:${port}/api/inngest?fnId=f`), "{}", "run-1", 5_000);
    expect(gone).toMatchObject({ kind: "error", retriable: true, countsAttempt: false });
  });
});

describe("a call the app does not answer in time", () => {
  it("spends an attempt when it times out, none when the runner stops it, and names a refused connection", async () => {
    const { createServer } = await import("node:http");
    const { callApp } = await import("./call");
    const server = createServer(() => {}); // reads the request, never answers
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/inngest?fnId=f`);
    const engine = { signingKey: undefined } as unknown as Parameters<typeof callApp>[0];
    try {
      const late = await callApp(engine, url, "{}", "run-1", 200);
      expect(late).toMatchObject({ kind: "error", retriable: true, countsAttempt: true });
      expect(late.kind === "error" && late.error.message).toBe(`the app did not answer within 200 ms (${url.origin})`);

      const stop = new AbortController();
      setTimeout(() => stop.abort(), 50);
      const stopped = await callApp(engine, url, "{}", "run-1", 5_000, stop.signal);
      expect(stopped).toMatchObject({ kind: "error", retriable: true, countsAttempt: false });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    // A port nothing listens on (never connected to, so no pooled connection to it).
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, "127.0.0.1", () => r()));
    const gone = new URL(`http://127.0.0.1:${(free.address() as { port: number }).port}/api/inngest?fnId=f`);
    await new Promise((r) => free.close(r));
    const refused = await callApp(engine, gone, "{}", "run-1", 5_000);
    expect(refused).toMatchObject({ kind: "error", retriable: true, countsAttempt: false });
    expect(refused.kind === "error" && refused.error.message).toBe(
      `could not reach the app at ${gone.origin} (ECONNREFUSED)`,
    );
  });
});
