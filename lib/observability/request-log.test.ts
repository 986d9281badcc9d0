import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { requestIdOf, withRequestLog } from "./request-log";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ destination, level: "info" }), lines };
}

const get = (headers: Record<string, string> = {}, url = "http://localhost/api/assets/123?token=secret") =>
  new Request(url, { headers });

describe("request ids", () => {
  it("keeps a sane x-request-id and replaces anything else with a fresh one", () => {
    expect(requestIdOf(new Headers({ "x-request-id": "nginx-4f1c9a0b2e" }))).toBe("nginx-4f1c9a0b2e");
    expect(requestIdOf(new Headers({ "x-request-id": "  abc-123  " }))).toBe("abc-123");
    const uuid = /^[0-9a-f-]{36}$/;
    expect(requestIdOf(new Headers())).toMatch(uuid);
    expect(requestIdOf(new Headers({ "x-request-id": 'a" level="fatal' }))).toMatch(uuid);
    expect(requestIdOf(new Headers({ "x-request-id": "x".repeat(129) }))).toMatch(uuid);
    expect(requestIdOf(new Headers({ "x-request-id": "a{b}" }))).toMatch(uuid);
  });

  it("returns the id as a header and logs one line per request with method, route, status, duration and user", async () => {
    const { log, lines } = capture();
    const res = await withRequestLog(
      get({ "x-request-id": "req-42" }),
      async (entry) => {
        entry.userId = "user-7";
        entry.log.info("inside");
        return Response.json({ ok: true }, { status: 201 });
      },
      log,
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe("req-42");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ msg: "inside", requestId: "req-42" });
    expect(lines[1]).toMatchObject({
      msg: "request",
      level: "info",
      requestId: "req-42",
      method: "GET",
      route: "/api/assets/123",
      status: 201,
      userId: "user-7",
    });
    expect(typeof lines[1]!.durationMs).toBe("number");
    expect(JSON.stringify(lines)).not.toContain("token=secret");
  });

  it("puts the header on a response whose headers are immutable, and logs a thrown handler as a 500", async () => {
    const { log, lines } = capture();
    const redirect = await withRequestLog(get(), async () => Response.redirect("http://localhost/elsewhere", 303), log);
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get("location")).toBe("http://localhost/elsewhere");
    expect(redirect.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    await expect(withRequestLog(get(), async () => Promise.reject(new Error("boom")), log)).rejects.toThrow("boom");
    expect(lines.at(-1)).toMatchObject({ level: "error", status: 500, msg: "request" });
    expect(lines.at(-1)!.userId).toBeUndefined();
  });
});
