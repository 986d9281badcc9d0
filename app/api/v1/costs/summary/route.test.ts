import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { assets, providers, teams, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken, type Scope } from "@/lib/api-tokens";
import type { ApiCostSummary } from "@/lib/api/v1/costs";
import { callRoute, errorOf } from "@/lib/api/v1/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { costHistory } from "@/lib/costs/report/testing";
import { createUserFactory, ctxFor } from "@/test/factories";

vi.mock("server-only", () => ({}));
const { GET } = await import("./route");

let database: Database;
const tokens = { finance: "", financeAssets: "", dana: "", nora: "", rita: "" };
let growthId: string;
const summary = (query = "", token: string | null = tokens.finance) =>
  callRoute(GET, `/api/v1/costs/summary${query}`, { token });
const read = async (res: Response) => {
  expect(res.status).toBe(200);
  return (await res.json()) as ApiCostSummary;
};

/**
 * Spend in micro-dollars, all within the last hour:
 *   Dana (Brand)  A: 100,000 → approved;  B: 50,000 failed + 70,000 retry → approved
 *   Gus (Growth)  C: 300,000 → approved
 *   overhead      a connection test: 5,000
 */
beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  const db = database.db;
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const [brand] = await db.insert(teams).values({ name: "Brand" }).returning();
  const [growth] = await db.insert(teams).values({ name: "Growth" }).returning();
  growthId = growth!.id;
  const user = async (role: "finance" | "designer" | "reviewer", name: string, teamId: string | null = null) => {
    const u = await createUserFactory(db, { role, name });
    if (teamId) await db.update(users).set({ teamId }).where(eq(users.id, u.id));
    return u;
  };
  const token = async (u: Parameters<typeof ctxFor>[1], scopes: Scope[]) =>
    (await createApiToken({ ctx: ctxFor(db, u), input: { name: "t", scopes } })).token;
  const finance = await user("finance", "Finn");
  const dana = await user("designer", "Dana", brand!.id);
  const gus = await user("designer", "Gus", growth!.id);
  const nora = await user("designer", "Nora");
  const rita = await user("reviewer", "Rita");
  tokens.finance = await token(finance, ["costs:read"]);
  tokens.financeAssets = await token(finance, ["assets:read"]);
  tokens.dana = await token(dana, ["costs:read"]);
  tokens.nora = await token(nora, ["costs:read"]);
  tokens.rita = await token(rita, ["costs:read"]);

  const h = costHistory(db);
  const at = new Date(Date.now() - 60_000);
  const approve = async (gen: Parameters<typeof h.succeed>[0]) => {
    const made = await h.succeed(gen);
    await db.update(assets).set({ status: "approved", approvedAt: new Date() }).where(eq(assets.id, made.assetId));
  };
  const danaBatch = await h.batch({ ownerId: dana.id, campaign: "Spring" });
  const a = await h.generation(danaBatch, { tier: "support" });
  await h.call(a, { micros: 100_000, at });
  await approve(a);
  const b = await h.generation(danaBatch, { tier: "support" });
  await h.call(b, { micros: 50_000, at, failed: true });
  await h.call(b, { micros: 70_000, at });
  await approve(b);
  const c = await h.generation(await h.batch({ ownerId: gus.id, campaign: "Summer" }), { tier: "hero" });
  await h.call(c, { micros: 300_000, at });
  await approve(c);
  const [provider] = await db.select().from(providers).limit(1);
  await h.overhead({ providerId: provider!.id, userId: finance.id, micros: 5_000, at });
}, 120_000);
afterAll(async () => {
  await database.close();
});

describe("GET /api/v1/costs/summary", () => {
  it("refuses no token (401), a token without costs:read (403) and a reviewer's token (403)", async () => {
    expect((await summary("", null)).status).toBe(401);
    const scope = await summary("", tokens.financeAssets);
    expect(scope.status).toBe(403);
    expect((await errorOf(scope)).message).toMatch(/costs:read/);
    const role = await summary("", tokens.rita);
    expect(role.status).toBe(403);
    expect((await errorOf(role)).message).toMatch(/role/);
  });

  it("gives finance the spend, approved assets and cost per usable asset of everyone, in integer micros", async () => {
    const s = await read(await summary());
    expect(s).toMatchObject({ object: "cost_summary", currency: "usd", scope: "all", group_by: null, groups: [] });
    expect(s.totals).toMatchObject({
      spend_micros: 525_000,
      attributed_micros: 520_000,
      overhead_micros: 5_000,
      approved_assets: 3,
      rejected_assets: 0,
      cost_per_usable_asset_micros: 173_333, // 520,000 ÷ 3, rounded half up
    });
    expect(s.to).toBe(new Date().toISOString().slice(0, 10));
  });

  it("groups by the report's dimensions; the groups add up to the spend", async () => {
    const s = await read(await summary("?group_by=team"));
    expect(s.group_by).toBe("team");
    const byLabel = Object.fromEntries(s.groups.map((g) => [g.label, g]));
    expect(byLabel.Brand).toMatchObject({
      spend_micros: 220_000,
      approved_assets: 2,
      cost_per_usable_asset_micros: 110_000,
      calls: 3,
    });
    expect(byLabel.Growth).toMatchObject({
      spend_micros: 300_000,
      approved_assets: 1,
      cost_per_usable_asset_micros: 300_000,
    });
    expect(s.groups.find((g) => g.key === "~overhead")).toMatchObject({
      spend_micros: 5_000,
      cost_per_usable_asset_micros: null,
    });
    expect(s.groups.reduce((sum, g) => sum + g.spend_micros, 0)).toBe(s.totals.spend_micros);
    const campaigns = await read(await summary("?group_by=campaign&campaign=Spring"));
    expect(campaigns.groups.map((g) => [g.label, g.spend_micros])).toEqual([["Spring", 220_000]]);
  });

  it("shows a designer their team's figures only, and one without a team their own", async () => {
    const dana = await read(await summary("", tokens.dana));
    expect(dana.scope).toBe("team");
    expect(dana.totals).toMatchObject({
      spend_micros: 220_000,
      approved_assets: 2,
      cost_per_usable_asset_micros: 110_000,
      overhead_micros: 0,
    });
    const other = await summary(`?team_id=${growthId}`, tokens.dana);
    expect(other.status).toBe(403);
    const nora = await read(await summary("", tokens.nora));
    expect(nora.scope).toBe("own");
    expect(nora.totals).toMatchObject({ spend_micros: 0, approved_assets: 0, cost_per_usable_asset_micros: null });
  });

  it("answers 400 naming the field", async () => {
    for (const [query, field] of [
      ["?group_by=colour", "group_by"],
      ["?from=31-01-2026", "from"],
      ["?from=2026-02-30", "from"],
      ["?from=2026-03-02&to=2026-03-01", "from"],
      ["?team_id=brand", "team_id"],
      ["?tier=gold", "tier"],
    ] as const) {
      const res = await summary(query);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).field, query).toBe(field);
    }
  });
});
