import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { apiIdempotencyKeys, apiRateWindows } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/api-tokens";
import { createUserFactory, ctxFor } from "@/test/factories";
import { pruneApiRecords } from "./prune";

let database: Database;
let tokenId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const ctx = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  tokenId = (await createApiToken({ ctx, input: { name: "t", scopes: ["assets:read"] } })).view.id;
});
afterAll(async () => {
  await database.close();
});

describe("pruneApiRecords", () => {
  it("deletes idempotency keys past 24 hours and rate windows older than an hour, and keeps the rest", async () => {
    const now = new Date("2026-12-04T12:00:00Z");
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const key = (k: string, createdAt: Date) => ({
      tokenId,
      key: k,
      route: "POST /api/v1/batches",
      requestHash: "h",
      createdAt,
    });
    await database.db
      .insert(apiIdempotencyKeys)
      .values([key("old", ago(25 * 3_600_000)), key("fresh", ago(23 * 3_600_000))]);
    await database.db.insert(apiRateWindows).values([
      { tokenId, windowStart: ago(2 * 3_600_000), count: 5 },
      { tokenId, windowStart: ago(30 * 60_000), count: 7 },
    ]);
    expect(await pruneApiRecords({ db: database.db, now })).toEqual({ idempotencyKeys: 1, rateWindows: 1 });
    expect((await database.db.select().from(apiIdempotencyKeys)).map((k) => k.key)).toEqual(["fresh"]);
    expect((await database.db.select().from(apiRateWindows)).map((w) => w.count)).toEqual([7]);
  });
});
