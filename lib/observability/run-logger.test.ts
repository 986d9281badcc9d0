import { Writable } from "node:stream";
import { InngestTestEngine } from "@inngest/test";
import { Inngest } from "inngest";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { runLoggerMiddleware } from "./run-logger";

describe("the Inngest run logger", () => {
  it("gives a function ctx.logger, a JSON child carrying the function id, run id, event and attempt", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger({ destination, level: "info" });
    const client = new Inngest({ id: "kiln-test", isDev: true, logger: log, middleware: [runLoggerMiddleware(log)] });
    const fn = client.createFunction(
      { id: "say-hello", triggers: [{ event: "kiln/test.hello" }] },
      async ({ step, logger }) => {
        const n = await step.run("count", () => 41 + 1);
        logger.info({ n, password: "hunter2" }, "counted");
        return n;
      },
    );
    const { result } = await new InngestTestEngine({
      function: fn,
      events: [{ name: "kiln/test.hello", data: {} }],
    }).execute();
    expect(result).toBe(42);
    const counted = lines.filter((l) => l.msg === "counted");
    // Once, although the run is entered again after its step (the replay is silent).
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({
      fn: "say-hello",
      event: "kiln/test.hello",
      attempt: 0,
      n: 42,
      password: "[redacted]",
      level: "info",
    });
    expect(typeof counted[0]!.runId).toBe("string");
    expect(String(counted[0]!.runId).length).toBeGreaterThan(0);
  });
});
