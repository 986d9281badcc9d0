import { describe, expect, it } from "vitest";
import { isDraining, onShutdown, shutdown, waitUntil } from "./shutdown";

describe("graceful shutdown", () => {
  it("drains first (all drain hooks together, until the deadline), then closes, once", async () => {
    const order: string[] = [];
    let inFlight = 2;
    onShutdown("runner", "drain", async (deadline) => {
      order.push("drain runner");
      // Two steps in flight finish on their own; the hook waits for them.
      setTimeout(() => (inFlight = 0), 50);
      expect(await waitUntil(() => inFlight === 0, deadline, 10)).toBe(true);
      order.push("runner idle");
    });
    onShutdown("server", "drain", async () => {
      order.push("drain server");
    });
    onShutdown("database", "close", async () => {
      order.push("close database");
    });
    onShutdown("broken", "close", async () => {
      throw new Error("already closed");
    });
    expect(isDraining()).toBe(false);
    const log = { info: () => {}, error: (m: string) => order.push(m) };
    const first = shutdown(5_000, log);
    expect(isDraining()).toBe(true);
    await Promise.all([first, shutdown(5_000, log)]);
    expect(order.slice(0, 2)).toEqual(["drain runner", "drain server"]);
    expect(order.indexOf("runner idle")).toBeLessThan(order.indexOf("close database"));
    expect(order).toContain("[kiln] shutdown: broken failed: already closed");
    expect(order.filter((o) => o === "close database")).toHaveLength(1);
  });

  it("waitUntil gives up at the deadline", async () => {
    expect(await waitUntil(() => false, Date.now() + 30, 5)).toBe(false);
  });
});
