import { describe, expect, it } from "vitest";
import { parseTrace, summariseTrace } from "./db-trace-summary";

const line = (o: Record<string, unknown>) => JSON.stringify({ at: 1, page: false, waitedMs: 0, ...o });

describe("db-trace-summary", () => {
  it("counts statements, holds and the time a transaction kept the database waiting for its caller", () => {
    const text = [
      line({ kind: "query", heldMs: 2, busyMs: 2, statements: 1, callerWaits: 0, sql: "select 1" }),
      line({
        kind: "transaction",
        heldMs: 10,
        busyMs: 4,
        statements: 3,
        callerWaits: 2,
        sql: "[1.00] select a | [2.00] update b | [1.00] insert c | ",
      }),
      line({
        kind: "transaction",
        heldMs: 6,
        busyMs: 5,
        statements: 3,
        callerWaits: 1,
        sql: "[1.00] select a | [2.00] update b | [2.00] insert c | ",
      }),
      line({ kind: "transaction", heldMs: 3, busyMs: 1, statements: 1, callerWaits: 1, sql: "[1.00] delete d | " }),
      "",
    ].join("\n");
    const s = summariseTrace(parseTrace(text));
    expect(s).toMatchObject({
      calls: 4,
      statements: 8,
      transactions: 3,
      heldMs: 21,
      busyMs: 12,
      idleInHoldMs: 9,
      callerWaits: 4,
    });
    expect(s.idlest).toEqual([
      { shape: "select a | update b | insert c", count: 2, idleMs: 7, callerWaitsEach: 1.5 },
      { shape: "delete d", count: 1, idleMs: 2, callerWaitsEach: 1 },
    ]);
  });
});
