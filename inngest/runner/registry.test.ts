import { describe, expect, it } from "vitest";
import { Registry } from "./registry";
import { silent } from "./test-harness";
import type { FunctionConfig, Query } from "./types";

/** A stand-in for the functions table: keeps what replaceApp writes and answers load's read. */
function functionsTable(): Query {
  const rows = new Map<string, { id: string; app_id: string; url: string; config: FunctionConfig }>();
  return (async (sql: string, params: unknown[] = []) => {
    if (sql.startsWith("INSERT INTO inngest_runner_functions")) {
      const [id, appId, , url, config] = params as [string, string, string, string, string];
      rows.set(id, { id, app_id: appId, url, config: JSON.parse(config) as FunctionConfig });
    }
    return sql.startsWith("SELECT id, app_id, url, config") ? [...rows.values()] : [];
  }) as Query;
}

const config = (id: string, concurrency: FunctionConfig["concurrency"]): FunctionConfig =>
  ({
    id,
    name: id,
    triggers: [{ event: "t/x" }],
    steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://app/api/inngest" } } },
    concurrency,
  }) as FunctionConfig;

describe("Registry: concurrency constraints", () => {
  it("accepts up to two constraints, as Inngest does, and marks a function with more as unsupported", async () => {
    const registry = new Registry(silent);
    await registry.replaceApp(functionsTable(), { id: "app", url: "http://app/api/inngest" }, [
      config("two", [{ limit: 2 }, { key: "event.data.assetId", limit: 1 }]),
      config("three", [{ limit: 4 }, { key: "event.data.a", limit: 2 }, { key: "event.data.b", limit: 1 }]),
    ]);
    expect(registry.get("two")?.unsupported).toEqual([]);
    expect(registry.get("three")?.unsupported).toEqual(["a function can have at most two concurrency constraints"]);
  });
});
