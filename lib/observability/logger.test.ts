import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, REDACTED } from "./logger";

/** A logger writing into an array of parsed JSON lines. */
function capture(level: "info" | "warn" = "info") {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ destination, level }), lines };
}

describe("logger", () => {
  it("writes one JSON object per line with level, time and message", () => {
    const { log, lines } = capture();
    log.info({ requestId: "abc" }, "hello");
    log.debug("not written at info");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", msg: "hello", requestId: "abc", service: "kiln" });
    expect(typeof lines[0]!.time).toBe("string");
  });

  it("redacts secret fields at the top level and nested, and scrubs credentials out of text", () => {
    const { log, lines } = capture();
    log.info(
      {
        password: "hunter2",
        token: "kiln_pat_123",
        secret: "s3cret",
        apiKey: "sk-live-1",
        signingKey: "signkey-prod-abc",
        eventKey: "evt-key",
        DATABASE_URL: "postgres://kiln:pw@db:5432/kiln",
        BLOB_READ_WRITE_TOKEN: "vercel_blob_rw_abc_def",
        headers: { authorization: "Bearer abc.def", cookie: "authjs.session-token=xyz", accept: "text/html" },
        provider: { apiKey: "nested-key", name: "A1111" },
        req: { headers: { authorization: "Bearer deep", "set-cookie": "a=b" } },
        note: "connect to postgres://kiln:hunter2@db.internal:5432/kiln failed",
      },
      "could not reach postgres://admin:topsecret@db/kiln with vercel_blob_rw_XYZ123",
    );
    const line = lines[0]!;
    const text = JSON.stringify(line);
    for (const secret of [
      "hunter2",
      "kiln_pat_123",
      "s3cret",
      "sk-live-1",
      "signkey-prod-abc",
      "evt-key",
      ":pw@",
      "vercel_blob_rw_",
      "abc.def",
      "xyz",
      "nested-key",
      "deep",
      "topsecret",
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(line.password).toBe(REDACTED);
    expect((line.headers as Record<string, string>).authorization).toBe(REDACTED);
    expect((line.headers as Record<string, string>).accept).toBe("text/html");
    expect((line.provider as Record<string, string>).name).toBe("A1111");
    expect(line.note).toBe(`connect to postgres://${REDACTED}@db.internal:5432/kiln failed`);
    expect(line.msg).toBe(`could not reach postgres://${REDACTED}@db/kiln with ${REDACTED}`);
  });

  it("serializes errors with their stack, scrubbed", () => {
    const { log, lines } = capture();
    log.error({ err: new Error("connect ECONNREFUSED postgres://kiln:pw123@10.0.0.5/kiln") }, "query failed");
    const err = lines[0]!.err as { type: string; message: string; stack: string };
    expect(err.type).toBe("Error");
    expect(err.message).toBe(`connect ECONNREFUSED postgres://${REDACTED}@10.0.0.5/kiln`);
    expect(err.stack).not.toContain("pw123");
  });

  it("honours the level", () => {
    const { log, lines } = capture("warn");
    log.info("quiet");
    log.warn("loud");
    expect(lines.map((l) => l.msg)).toEqual(["loud"]);
  });
});
