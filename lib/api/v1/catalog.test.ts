import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { createTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/api-tokens";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { listActivePresets, listActiveTemplates } from "@/lib/generation/catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { call, errorOf } from "./testing";

vi.mock("server-only", () => ({}));
const templatesRoute = await import("@/app/api/v1/templates/route");
const presetsRoute = await import("@/app/api/v1/presets/route");

let database: Database;
const tokens = {} as Record<"read" | "assets" | "finance", string>;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  tokens.read = (await createApiToken({ ctx: designer, input: { name: "r", scopes: ["generations:read"] } })).token;
  tokens.assets = (await createApiToken({ ctx: designer, input: { name: "a", scopes: ["assets:read"] } })).token;
  const finance = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
  tokens.finance = (await createApiToken({ ctx: finance, input: { name: "f", scopes: ["generations:read"] } })).token;
});
afterAll(async () => {
  await database.close();
});

describe("GET /api/v1/templates and /api/v1/presets", () => {
  it("lists every active template with the variables a row fills", async () => {
    const res = await call(templatesRoute.GET, "/api/v1/templates", { token: tokens.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      object: string;
      data: { id: string; version_id: string; variables: { name: string; type: string; options?: string[] }[] }[];
    };
    const active = await listActiveTemplates(database.db);
    expect(body.object).toBe("list");
    expect(body.data.map((t) => t.id).sort()).toEqual(active.map((t) => t.template.id).sort());
    const first = active[0]!;
    const shown = body.data.find((t) => t.id === first.template.id)!;
    expect(shown.version_id).toBe(first.version.id);
    expect(shown.variables.map((v) => v.name)).toEqual(first.version.definition.variables.map((v) => v.name));
    for (const v of shown.variables) if (v.type === "enum") expect(v.options!.length).toBeGreaterThan(0);
  });

  it("lists every active preset with its tier and its price per image in micros", async () => {
    const res = await call(presetsRoute.GET, "/api/v1/presets", { token: tokens.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: { id: string; tier: string; price_micros_per_image: number; currency: string; simulator: boolean }[];
    };
    const active = await listActivePresets(database.db);
    expect(body.data.map((p) => p.id)).toEqual(active.map((p) => p.preset.id));
    expect(new Set(body.data.map((p) => p.tier))).toEqual(new Set(["draft", "support", "hero"]));
    for (const p of body.data) {
      expect(p.price_micros_per_image).toBeGreaterThan(0);
      expect(p.currency).toBe("usd");
      expect(p.simulator).toBe(true);
    }
  });

  it("needs generations:read, and a role that queues generations", async () => {
    expect((await call(templatesRoute.GET, "/api/v1/templates", {})).status).toBe(401);
    const wrongScope = await call(presetsRoute.GET, "/api/v1/presets", { token: tokens.assets });
    expect(wrongScope.status).toBe(403);
    expect((await errorOf(wrongScope)).message).toMatch(/generations:read/);
    expect((await call(presetsRoute.GET, "/api/v1/presets", { token: tokens.finance })).status).toBe(403);
  });
});
