import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { batches, costLedger, generations, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/api-tokens";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { listActivePresets } from "@/lib/generation/catalog";
import { deadLetterGeneration } from "@/lib/generation/run-generation";
import { createAssetInReview } from "@/lib/review/testing";
import { createUserFactory, ctxFor } from "@/test/factories";
import { call, errorOf, testSender } from "./testing";

vi.mock("server-only", () => ({}));
vi.mock("@/inngest/send", async () => ({ generationSender: (await import("./testing")).testSender.sender }));

const generationsRoute = await import("@/app/api/v1/generations/route");
const generationRoute = await import("@/app/api/v1/generations/[id]/route");
const batchRoute = await import("@/app/api/v1/batches/[id]/route");
const batchGenerationsRoute = await import("@/app/api/v1/batches/[id]/generations/route");

let database: Database;
let templateId: string;
let draftPresetId: string;
let designer: Awaited<ReturnType<typeof createUserFactory>>;
const tokens = {} as Record<"write" | "read" | "assets" | "reviewer" | "other" | "admin", string>;

type Generation = {
  object: string;
  id: string;
  batch_id: string;
  status: string;
  line: number;
  variant: number;
  variables: Record<string, unknown>;
  carried_columns: Record<string, string>;
  seed: number;
  prompt: string;
  preset_version_id: string;
  template_version_id: string;
  error: { code: string | null; message: string | null } | null;
  asset_id: string | null;
  created_at: string;
};
type Batch = {
  id: string;
  total_generations: number;
  engine_started: boolean;
  spent_micros: number;
  counts: Record<string, number>;
};
type List<T> = { object: string; data: T[]; has_more: boolean; next_cursor: string | null };

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  templateId = product!.id;
  draftPresetId = (await listActivePresets(database.db)).find((p) => p.preset.tier === "draft")!.preset.id;
  designer = await createUserFactory(database.db, { role: "designer" });
  const ctx = ctxFor(database.db, designer);
  const mint = async (
    c: ReturnType<typeof ctxFor>,
    scopes: ("generations:write" | "generations:read" | "assets:read")[],
  ) => (await createApiToken({ ctx: c, input: { name: "test", scopes } })).token;
  tokens.write = await mint(ctx, ["generations:write"]);
  tokens.read = await mint(ctx, ["generations:read"]);
  tokens.assets = await mint(ctx, ["assets:read"]);
  tokens.reviewer = await mint(ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer" })), [
    "generations:write",
  ]);
  tokens.other = await mint(ctxFor(database.db, await createUserFactory(database.db, { role: "designer" })), [
    "generations:write",
  ]);
  tokens.admin = await mint(ctxFor(database.db, await createUserFactory(database.db, { role: "admin" })), [
    "generations:read",
  ]);
});
afterAll(async () => {
  await database.close();
});

const one = (variables: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  template_id: templateId,
  preset_id: draftPresetId,
  variables,
  ...extra,
});
const getGeneration = (id: string, token = tokens.read) =>
  call(generationRoute.GET, `/api/v1/generations/${id}`, { token, params: { id } });

describe("POST /api/v1/generations", () => {
  it("queues one prompt as a one-row batch and starts it", async () => {
    const res = await call(generationsRoute.POST, "/api/v1/generations", {
      token: tokens.write,
      json: one({ product_name: "Trail shoe", colour: "teal", sku: "KLN-9" }),
    });
    expect(res.status).toBe(202);
    const batch = (await res.json()) as Batch;
    expect(batch).toMatchObject({ total_generations: 1, engine_started: true });
    expect(testSender.sent.queued).toContain(batch.id);
    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    const got = (await (await getGeneration(gen!.id)).json()) as Generation;
    expect(got).toMatchObject({
      object: "generation",
      id: gen!.id,
      batch_id: batch.id,
      status: "queued",
      line: 1,
      variant: 0,
      variables: { product_name: "Trail shoe", colour: "teal", background: "white" },
      carried_columns: { sku: "KLN-9" },
      seed: gen!.seed,
      preset_version_id: gen!.presetVersionId,
      template_version_id: gen!.templateVersionId,
      error: null,
      asset_id: null,
    });
    expect(got.prompt).toMatch(/Trail shoe/);
  });

  it("names the bad variable, needs generations:write, a designer's role, and replays its key", async () => {
    const bad = await call(generationsRoute.POST, "/api/v1/generations", {
      token: tokens.write,
      json: one({ colour: "teal" }),
    });
    expect(await errorOf(bad)).toMatchObject({ code: "invalid_input", field: "variables.product_name" });
    const notObject = await call(generationsRoute.POST, "/api/v1/generations", {
      token: tokens.write,
      json: one({ product_name: { nested: 1 } }),
    });
    expect((await errorOf(notObject)).field).toBe("variables.product_name");
    expect(
      (await call(generationsRoute.POST, "/api/v1/generations", { json: one({ product_name: "A" }) })).status,
    ).toBe(401);
    expect(
      (
        await call(generationsRoute.POST, "/api/v1/generations", {
          token: tokens.read,
          json: one({ product_name: "A" }),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(generationsRoute.POST, "/api/v1/generations", {
          token: tokens.reviewer,
          json: one({ product_name: "A" }),
        })
      ).status,
    ).toBe(403);

    const before = (await database.db.select({ n: count() }).from(batches))[0]!.n;
    const opts = {
      token: tokens.write,
      json: one({ product_name: "Vase" }),
      headers: { "Idempotency-Key": "one-vase-1" },
    };
    const first = (await (await call(generationsRoute.POST, "/api/v1/generations", opts)).json()) as Batch;
    const again = await call(generationsRoute.POST, "/api/v1/generations", opts);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as Batch).id).toBe(first.id);
    expect((await database.db.select({ n: count() }).from(batches))[0]!.n).toBe(before + 1);
  });
});

describe("GET /api/v1/generations/{id}", () => {
  it("gives the asset a succeeded generation made, and the reason a parked one failed", async () => {
    const { asset } = await createAssetInReview(database.db, { ownerId: designer.id });
    const made = (await (await getGeneration(asset.generationId!)).json()) as Generation;
    expect(made).toMatchObject({ status: "succeeded", asset_id: asset.id });

    const batch = (await (
      await call(generationsRoute.POST, "/api/v1/generations", {
        token: tokens.write,
        json: one({ product_name: "Lamp" }),
      })
    ).json()) as Batch;
    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    await deadLetterGeneration({
      db: database.db,
      generationId: gen!.id,
      code: "provider_unavailable",
      message: "The endpoint did not answer after 5 attempts.",
    });
    const parked = (await (await getGeneration(gen!.id)).json()) as Generation;
    expect(parked).toMatchObject({
      status: "dead_lettered",
      error: { code: "provider_unavailable", message: "The endpoint did not answer after 5 attempts." },
      asset_id: null,
    });
  });

  it("is 404 for another designer's generation and for an unknown id; an admin sees it", async () => {
    const { asset } = await createAssetInReview(database.db, { ownerId: designer.id });
    const res = await getGeneration(asset.generationId!, tokens.other);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
    expect((await getGeneration(crypto.randomUUID())).status).toBe(404);
    expect((await getGeneration("12")).status).toBe(404);
    expect((await getGeneration(asset.generationId!, tokens.admin)).status).toBe(200);
  });

  it("needs a token, a generations scope and a role that sees batches", async () => {
    const id = crypto.randomUUID();
    expect((await call(generationRoute.GET, `/api/v1/generations/${id}`, { params: { id } })).status).toBe(401);
    expect((await getGeneration(id, tokens.assets)).status).toBe(403);
    expect((await getGeneration(id, tokens.reviewer)).status).toBe(403);
  });
});

describe("GET /api/v1/batches/{id}/generations", () => {
  it("pages a batch's generations in file order over several pages without overlap", async () => {
    const rows = Array.from({ length: 4 }, (_, i) => ({ product_name: `Item ${i + 1}`, sku: `S-${i + 1}` }));
    const res = await call((await import("@/app/api/v1/batches/route")).POST, "/api/v1/batches", {
      token: tokens.write,
      json: { template_id: templateId, preset_id: draftPresetId, rows, variants_per_row: 2 },
    });
    const batch = (await res.json()) as Batch;
    expect(batch.total_generations).toBe(8);
    const seen: Generation[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = (await (
        await call(
          batchGenerationsRoute.GET,
          `/api/v1/batches/${batch.id}/generations?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
          { token: tokens.read, params: { id: batch.id } },
        )
      ).json()) as List<Generation>;
      seen.push(...page.data);
      cursor = page.next_cursor;
      expect(page.has_more).toBe(cursor !== null);
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen.map((g) => g.id)).size).toBe(8);
    expect(seen.map((g) => `${g.line}.${g.variant}`)).toEqual(["1.0", "1.1", "2.0", "2.1", "3.0", "3.1", "4.0", "4.1"]);
    expect(seen.map((g) => g.carried_columns.sku)).toEqual(["S-1", "S-1", "S-2", "S-2", "S-3", "S-3", "S-4", "S-4"]);
  });

  it("reports cost so far in micros from the ledger", async () => {
    const batch = (await (
      await call(generationsRoute.POST, "/api/v1/generations", {
        token: tokens.write,
        json: one({ product_name: "Kettle" }),
      })
    ).json()) as Batch;
    expect(batch.spent_micros).toBe(0);
    const [gen] = await database.db.select().from(generations).where(eq(generations.batchId, batch.id));
    const [preset] = await listActivePresets(database.db).then((all) =>
      all.filter((p) => p.version.id === gen!.presetVersionId),
    );
    // What run-generation writes for one billed call.
    await database.db.insert(costLedger).values({
      callKey: `${gen!.id}:0`,
      generationId: gen!.id,
      batchId: batch.id,
      lineageRootId: gen!.id,
      userId: designer.id,
      providerId: preset!.provider.id,
      presetVersionId: gen!.presetVersionId,
      operation: "generate",
      outcome: "succeeded",
      billable: true,
      purpose: "first_attempt",
      micros: 2_000,
    });
    const got = (await (
      await call(batchRoute.GET, `/api/v1/batches/${batch.id}`, { token: tokens.read, params: { id: batch.id } })
    ).json()) as Batch & { currency: string };
    expect(got).toMatchObject({ spent_micros: 2_000, currency: "usd", counts: { queued: 1 } });
  });
});
