import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { assets } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/api-tokens";
import type { ApiReviewItem } from "@/lib/api/v1/review";
import { callRoute, errorOf, walkPages } from "@/lib/api/v1/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createLibraryAsset, createLibraryCatalog } from "@/lib/library/testing";
import { listReviewQueue } from "@/lib/review/queue";
import { createUserFactory, ctxFor } from "@/test/factories";

vi.mock("server-only", () => ({}));
const { GET } = await import("./route");

let database: Database;
type User = Awaited<ReturnType<typeof createUserFactory>>;
let rita: User;
const tokens = { rita: "", ritaAssets: "", dana: "" };
const inQueue: string[] = [];
let ritasOwn: string;
let approved: string;

const queue = (query = "", token: string | null = tokens.rita) =>
  callRoute(GET, `/api/v1/review/queue${query}`, { token });

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  const db = database.db;
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const catalog = await createLibraryCatalog(db);
  const dana = await createUserFactory(db, { role: "designer", name: "Dana" });
  rita = await createUserFactory(db, { role: "reviewer", name: "Rita" });
  tokens.rita = (
    await createApiToken({ ctx: ctxFor(db, rita), input: { name: "queue", scopes: ["review:read"] } })
  ).token;
  tokens.ritaAssets = (
    await createApiToken({ ctx: ctxFor(db, rita), input: { name: "assets", scopes: ["assets:read"] } })
  ).token;
  tokens.dana = (await createApiToken({ ctx: ctxFor(db, dana), input: { name: "d", scopes: ["review:read"] } })).token;
  // Five in review: three with a time of entry (microseconds apart, as PostgreSQL keeps them), two
  // from before it was recorded (null: they sort last).
  for (let i = 0; i < 5; i++) {
    const { assetId } = await createLibraryAsset(db, catalog, {
      ownerId: dana.id,
      status: "in_review",
      title: `In review ${i}`,
      carried: { SKU: `KLN-${i}` },
    });
    await db
      .update(assets)
      .set({ title: `In review ${i}` })
      .where(eq(assets.id, assetId));
    if (i < 3)
      await db
        .update(assets)
        .set({ enteredReviewAt: sql`now() - interval '3 hours' + ${`${i * 0.000001} seconds`}::interval` })
        .where(eq(assets.id, assetId));
    inQueue.push(assetId);
  }
  ritasOwn = (await createLibraryAsset(db, catalog, { ownerId: rita.id, status: "in_review" })).assetId;
  approved = (await createLibraryAsset(db, catalog, { ownerId: dana.id, status: "approved" })).assetId;
}, 120_000);
afterAll(async () => {
  await database.close();
});

describe("GET /api/v1/review/queue", () => {
  it("refuses no token (401), a token without review:read (403) and a designer's token (403)", async () => {
    expect((await queue("", null)).status).toBe(401);
    const scope = await queue("", tokens.ritaAssets);
    expect(scope.status).toBe(403);
    expect((await errorOf(scope)).message).toMatch(/review:read/);
    const role = await queue("", tokens.dana);
    expect(role.status).toBe(403);
    expect((await errorOf(role)).message).toMatch(/role/);
  });

  it("pages through what /review shows the reviewer, oldest first, with no overlap", async () => {
    const { pages, ids } = await walkPages<ApiReviewItem>((cursor) =>
      queue(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`),
    );
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const console = await listReviewQueue({ ctx: ctxFor(database.db, rita), input: {} });
    expect(ids).toEqual(console.items.map((i) => i.assetId));
    expect(ids.slice(0, 3)).toEqual(inQueue.slice(0, 3)); // by time of entry, to the microsecond
    expect(new Set(ids)).toEqual(new Set(inQueue));
    expect(ids).not.toContain(ritasOwn); // never one's own work
    expect(ids).not.toContain(approved);
    const first = pages[0]![0]!;
    expect(first).toMatchObject({
      object: "review_item",
      id: inQueue[0],
      title: "In review 0",
      columns: { SKU: "KLN-0" },
      version: 1,
      designer: "Dana",
      approvals: { given: 0 },
    });
    expect(first.asset_url).toMatch(new RegExp(`/api/v1/assets/${inQueue[0]}$`));
  });

  it("answers 400 naming the field for a bad limit, filter or cursor", async () => {
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?tier=gold", "tier"],
      ["?designer_id=dana", "designer_id"],
      ["?cursor=abc", "cursor"],
      [
        `?cursor=${Buffer.from(JSON.stringify(["2026", "00000000-0000-4000-8000-000000000000"])).toString("base64url")}`,
        "cursor",
      ],
    ] as const) {
      const res = await queue(query);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).field, query).toBe(field);
    }
  });

  it("filters as the page does", async () => {
    const body = (await (await queue("?tier=hero")).json()) as { data: ApiReviewItem[] };
    expect(body.data).toEqual([]);
    const support = (await (await queue("?tier=support&limit=100")).json()) as { data: ApiReviewItem[] };
    expect(support.data).toHaveLength(5);
  });
});
