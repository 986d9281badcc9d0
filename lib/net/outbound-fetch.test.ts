import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sendJson, startFakeServer, type FakeServer } from "@/lib/providers/testing/fake-server";
import {
  fetchFollowingRedirects,
  MAX_REDIRECTS,
  OutboundRefusedError,
  outboundFetch,
  type LookupAll,
} from "./outbound-fetch";

/** Answers each lookup with the next address in the list (the last one repeats), counting calls. */
function answers(...lists: string[][]): LookupAll & { calls: number } {
  const fn = Object.assign(
    async () => {
      const list = lists[Math.min(fn.calls++, lists.length - 1)]!;
      return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
    { calls: 0 },
  );
  return fn;
}

async function refusal(promise: Promise<unknown>): Promise<OutboundRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundRefusedError);
  return error as OutboundRefusedError;
}

let server: FakeServer;
let port: number;
beforeEach(async () => {
  server = await startFakeServer();
  port = Number(new URL(server.url).port);
  server.route("GET", "/ok", (req, res) => sendJson(res, 200, { auth: req.headers.authorization ?? null }));
});
afterEach(() => server.close());

describe("outboundFetch", () => {
  it("checks IP-literal hosts before sending, in every spelling", async () => {
    const strict = outboundFetch({ allowPrivate: false });
    for (const host of ["127.0.0.1", "[::ffff:127.0.0.1]", "2130706433", "0.0.0.0"]) {
      await refusal(strict(`http://${host}:${port}/ok`));
    }
    const noMetadata = outboundFetch({ allowPrivate: true });
    expect((await refusal(noMetadata(`http://0.0.0.0:${port}/ok`))).message).toMatch(/unspecified/);
    expect((await refusal(noMetadata("http://169.254.169.254/latest/meta-data/"))).message).toMatch(/metadata/);
    expect((await refusal(noMetadata("http://metadata.google.internal/computeMetadata/v1/"))).message).toMatch(
      /metadata/,
    );
    expect(server.requests).toHaveLength(0);
    expect((await noMetadata(`${server.url}/ok`)).status).toBe(200);
  });

  it("refuses other schemes and URLs with credentials", async () => {
    const fetchFn = outboundFetch({ allowPrivate: true });
    await refusal(fetchFn("file:///etc/passwd"));
    await refusal(fetchFn(`http://user:pw@127.0.0.1:${port}/ok`));
    expect(server.requests).toHaveLength(0);
  });

  it("judges every address of a host name's answer at connect time", async () => {
    const mixed = outboundFetch({ allowPrivate: false, lookup: answers(["203.0.113.10", "127.0.0.1"]) });
    expect((await refusal(mixed(`http://localhost:${port}/ok`))).message).toMatch(
      /loopback.*localhost \(127\.0\.0\.1\)/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("resolves again for every new connection, so a rebinding answer is caught when it is used", async () => {
    server.route("GET", "/close", (_req, res) => sendJson(res, 200, {}, { connection: "close" }));
    const lookup = answers(["127.0.0.1"], ["169.254.169.254"]);
    const fetchFn = outboundFetch({ allowPrivate: true, lookup });
    const first = await fetchFn(`http://localhost:${port}/close`);
    expect(first.status).toBe(200);
    await first.text();
    expect((await refusal(fetchFn(`http://localhost:${port}/close`))).message).toMatch(/metadata/);
    expect(lookup.calls).toBe(2);
    expect(server.requests).toHaveLength(1);
  });

  it("never follows a redirect by itself", async () => {
    server.route("GET", "/moved", (_req, res) => {
      res.writeHead(302, { location: "/ok" });
      res.end();
    });
    const res = await outboundFetch({ allowPrivate: true })(`${server.url}/moved`, { redirect: "follow" });
    expect(res.status).toBe(302);
    expect(server.received("GET", "/ok")).toHaveLength(0);
  });
});

describe("fetchFollowingRedirects", () => {
  it("follows a few hops through the policy, dropping credentials when the origin changes", async () => {
    const fetchFn = outboundFetch({ allowPrivate: true, lookup: answers(["127.0.0.1"]) });
    server.route("GET", "/same", (_req, res) => {
      res.writeHead(302, { location: "/ok" });
      res.end();
    });
    server.route("GET", "/other", (_req, res) => {
      res.writeHead(307, { location: `http://localhost:${port}/ok` });
      res.end();
    });
    const same = await fetchFollowingRedirects(fetchFn, `${server.url}/same`, {
      headers: { authorization: "Token t" },
    });
    expect(await same.json()).toEqual({ auth: "Token t" });
    const other = await fetchFollowingRedirects(fetchFn, `${server.url}/other`, {
      headers: { authorization: "Token t" },
    });
    expect(await other.json()).toEqual({ auth: null });
  });

  it("stops after MAX_REDIRECTS hops and refuses a hop to a forbidden address", async () => {
    const fetchFn = outboundFetch({ allowPrivate: true });
    server.route("GET", /^\/loop/, (req, res) => {
      res.writeHead(302, { location: `/loop${req.path.length}` });
      res.end();
    });
    expect((await refusal(fetchFollowingRedirects(fetchFn, `${server.url}/loop`, {}))).message).toMatch(/redirects/);
    expect(server.received("GET", /^\/loop/)).toHaveLength(MAX_REDIRECTS + 1);

    server.route("GET", "/to-metadata", (_req, res) => {
      res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    });
    expect((await refusal(fetchFollowingRedirects(fetchFn, `${server.url}/to-metadata`, {}))).message).toMatch(
      /metadata/,
    );
  });
});
