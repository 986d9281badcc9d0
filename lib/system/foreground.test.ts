/**
 * Pages first in the one-process shape: background calls to PGlite wait while a person's request
 * is answered, the request's own calls never wait, and nothing deadlocks on an open transaction.
 * Real HTTP (the tracking is installed on node's http.Server, as in `next start`) and a real PGlite.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  foregroundInFlight,
  gateBackgroundCalls,
  asForeground,
  FOREGROUND_HEADER,
  foregroundAwareFetch,
  inForeground,
  installForegroundTracking,
  isForegroundRequest,
  yieldToForeground,
} from "./foreground";

describe("which requests are a person's", () => {
  it("counts pages and API calls, not the engine's function calls or event streams", () => {
    expect(isForegroundRequest({ url: "/assets?q=x", headers: {} })).toBe(true);
    expect(isForegroundRequest({ url: "/api/batches/1", headers: { accept: "application/json" } })).toBe(true);
    expect(isForegroundRequest({ url: "/api/inngest?fnId=a&stepId=step", headers: {} })).toBe(false);
    expect(isForegroundRequest({ url: "/api/inngest", headers: {} })).toBe(false);
    expect(isForegroundRequest({ url: "/api/notifications/stream", headers: { accept: "text/event-stream" } })).toBe(
      false,
    );
    // Only the exact route: a page whose name starts the same way is a person's.
    expect(isForegroundRequest({ url: "/api/inngestion-report", headers: {} })).toBe(true);
  });

  it("counts the runner's event API only for an event a page sent, and never its checkpoints or sync", () => {
    expect(isForegroundRequest({ url: "/e/key", headers: { [FOREGROUND_HEADER]: "1" } })).toBe(true);
    expect(isForegroundRequest({ url: "/e/key", headers: {} })).toBe(false);
    expect(isForegroundRequest({ url: "/v1/checkpoint/run-1/async", headers: {} })).toBe(false);
    expect(isForegroundRequest({ url: "/fn/register", headers: {} })).toBe(false);
  });

  it("marks the Inngest client's requests made for a person's request, and only those", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${String(req.headers[FOREGROUND_HEADER])} ${String(req.headers["x-other"])}`);
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/e/key`;
    try {
      await foregroundAwareFetch(url, { method: "POST", body: "[]", headers: { "x-other": "kept" } });
      await asForeground(() =>
        foregroundAwareFetch(url, { method: "POST", body: "[]", headers: { "x-other": "kept" } }),
      );
      await asForeground(() => foregroundAwareFetch(url));
      expect(seen).toEqual(["undefined kept", "1 kept", "1 undefined"]);
      expect(inForeground()).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("background calls wait for people's requests", () => {
  let server: http.Server;
  let base: string;
  let pg: PGlite;
  /** Requests the test holds open, by name: each is answered when the test releases it. */
  const held = new Map<string, () => void>();
  /** What each request saw from inside: did its own database call have to wait? */
  const inside: Record<string, number> = {};

  beforeAll(async () => {
    installForegroundTracking();
    pg = gateBackgroundCalls(await PGlite.create());
    await pg.exec("create table t (n int)");
    server = http.createServer(async (req, res) => {
      const name = new URL(req.url!, "http://x").searchParams.get("name") ?? "";
      const started = performance.now();
      await pg.query("select 1"); // the page's own query: never held
      inside[name] = performance.now() - started;
      await new Promise<void>((release) => held.set(name, release));
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await pg.close();
  });

  /** Starts a request and waits until the server is inside it (the response comes when the test releases it). */
  async function openRequest(name: string, path = "/page"): Promise<{ response: Promise<Response> }> {
    const response = fetch(`${base}${path}?name=${name}`, { headers: { connection: "close" } });
    await expect.poll(() => held.has(name), { timeout: 10_000, interval: 10 }).toBe(true);
    return { response };
  }

  it(
    "holds a background query while a page is being answered, and lets it go when the page is done",
    { timeout: 30_000 },
    async () => {
      expect(yieldToForeground()).toBeUndefined(); // nobody asking: no wait at all
      const page = await openRequest("a");
      expect(foregroundInFlight()).toBe(1);
      expect(inside.a).toBeLessThan(400); // its own query did not wait for itself
      let ran = false;
      const background = pg.query("select 2").then(() => (ran = true));
      await new Promise((r) => setTimeout(r, 150));
      expect(ran).toBe(false);
      held.get("a")!();
      await (await page.response).text();
      await background;
      expect(ran).toBe(true);
      expect(foregroundInFlight()).toBe(0);
    },
  );

  it(
    "never holds background work for longer than the maximum wait, however busy the pages are",
    { timeout: 30_000 },
    async () => {
      const page = await openRequest("b");
      const started = performance.now();
      await yieldToForeground(200);
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(190);
      expect(waited).toBeLessThan(2_000);
      held.get("b")!();
      await (await page.response).text();
    },
  );

  it("does not count the engine's function calls as a person's request", { timeout: 30_000 }, async () => {
    const call = await openRequest("c", "/api/inngest");
    expect(foregroundInFlight()).toBe(0);
    expect(yieldToForeground()).toBeUndefined();
    held.get("c")!();
    await (await call.response).text();
  });

  it(
    "lets a transaction opened before the page run to its end (no deadlock), and the page's query follows it",
    { timeout: 30_000 },
    async () => {
      let releaseTx!: () => void;
      const txOpen = new Promise<void>((r) => (releaseTx = r));
      let inTx!: () => void;
      const entered = new Promise<void>((r) => (inTx = r));
      const tx = pg.transaction(async (t) => {
        await t.query("insert into t values (1)");
        inTx();
        await txOpen;
        // Inside the transaction, with a page in flight: the transaction's own queries never wait.
        await t.query("insert into t values (2)");
      });
      await entered;
      const pageDone = fetch(`${base}/page?name=d`, { headers: { connection: "close" } });
      await new Promise((r) => setTimeout(r, 100));
      releaseTx();
      await tx;
      await expect.poll(() => held.has("d"), { timeout: 10_000, interval: 10 }).toBe(true);
      held.get("d")!();
      await (await pageDone).text();
      expect((await pg.query<{ n: number }>("select count(*)::int as n from t")).rows[0]!.n).toBe(2);
    },
  );
});
