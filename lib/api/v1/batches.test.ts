import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { bannedTerms, batches, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/api-tokens";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { listActivePresets } from "@/lib/generation/catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { call, errorOf, testSender } from "./testing";

vi.mock("server-only", () => ({}));
vi.mock("@/inngest/send", async () => ({ generationSender: (await import("./testing")).testSender.sender }));

const batchesRoute = await import("@/app/api/v1/batches/route");
const batchRoute = await import("@/app/api/v1/batches/[id]/route");
const batchGenerationsRoute = await import("@/app/api/v1/batches/[id]/generations/route");
const cancelRoute = await import("@/app/api/v1/batches/[id]/cancel/route");
const estimatesRoute = await import("@/app/api/v1/estimates/route");

let database: Database;
let templateId: string;
let presets: Record<string, { id: string; price: number }>;
const tokens = {} as Record<"write" | "read" | "assets" | "reviewer" | "other" | "admin" | "lister", string>;
let designerId: string;

type Batch = {
  object: string;
  id: string;
  status: string;
  source: string;
  total_generations: number;
  counts: Record<string, number>;
  estimate_micros: number;
  spent_micros: number;
  currency: string;
  skipped_rows: { line: number; reasons: string[] }[];
  skipped_rows_count: number;
  engine_started?: boolean;
  created_at: string;
};
type Generation = {
  id: string;
  status: string;
  line: number;
  variables: Record<string, unknown>;
  carried_columns: Record<string, string>;
  seed: number;
  tier: string;
};
type List<T> = { object: string; data: T[]; has_more: boolean; next_cursor: string | null };

const row = (product: string, extra: Record<string, string | number | null> = {}) => ({
  product_name: product,
  ...extra,
});
const body = (rows: unknown[], extra: Record<string, unknown> = {}) => ({
  template_id: templateId,
  preset_id: presets.draft!.id,
  rows,
  ...extra,
});

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  templateId = product!.id;
  presets = Object.fromEntries(
    (await listActivePresets(database.db)).map((p) => [
      p.preset.tier,
      { id: p.preset.id, price: p.version.priceModel.kind === "per_image" ? p.version.priceModel.microsPerImage : -1 },
    ]),
  );
  const token = async (
    role: "designer" | "reviewer" | "admin",
    scopes: ("generations:write" | "generations:read" | "assets:read")[],
  ) => {
    const user = await createUserFactory(database.db, { role });
    return {
      user,
      token: (await createApiToken({ ctx: ctxFor(database.db, user), input: { name: "test", scopes } })).token,
    };
  };
  const designer = await createUserFactory(database.db, { role: "designer" });
  designerId = designer.id;
  const ctx = ctxFor(database.db, designer);
  tokens.write = (await createApiToken({ ctx, input: { name: "PIM", scopes: ["generations:write"] } })).token;
  tokens.read = (await createApiToken({ ctx, input: { name: "dashboard", scopes: ["generations:read"] } })).token;
  tokens.assets = (await createApiToken({ ctx, input: { name: "CMS", scopes: ["assets:read"] } })).token;
  tokens.reviewer = (await token("reviewer", ["generations:write"])).token;
  tokens.other = (await token("designer", ["generations:write"])).token;
  tokens.admin = (await token("admin", ["generations:read"])).token;
  tokens.lister = (await token("designer", ["generations:write"])).token;
});
afterAll(async () => {
  await database.close();
});

async function batchCount() {
  return (await database.db.select({ n: count() }).from(batches))[0]!.n;
}

async function queue(
  rows: unknown[],
  opts: { token?: string; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
) {
  return call(batchesRoute.POST, "/api/v1/batches", {
    token: opts.token ?? tokens.write,
    json: body(rows, opts.extra),
    headers: opts.headers,
  });
}

describe("POST /api/v1/batches (JSON rows)", () => {
  it("queues the batch, starts it as the console does, and answers 202 with the batch", async () => {
    const res = await queue(
      [row("Trail shoe", { colour: "red", SKU: "KLN-0042" }), row("Mug", { sku: null, tier: "support" })],
      {
        extra: { variants_per_row: 2, aspect_ratios: ["1:1", "16:9"], campaign: "Spring" },
      },
    );
    expect(res.status).toBe(202);
    const batch = (await res.json()) as Batch;
    expect(batch).toMatchObject({
      object: "batch",
      status: "queued",
      source: "form",
      total_generations: 8,
      currency: "usd",
      engine_started: true,
      skipped_rows: [],
    });
    expect(batch.counts.queued).toBe(8);
    expect(testSender.sent.queued).toContain(batch.id);

    const list = (await (
      await call(batchGenerationsRoute.GET, `/api/v1/batches/${batch.id}/generations`, {
        token: tokens.read,
        params: { id: batch.id },
      })
    ).json()) as List<Generation>;
    expect(list.data).toHaveLength(8);
    expect(list.data[0]).toMatchObject({
      line: 1,
      variables: { product_name: "Trail shoe", colour: "red" },
      carried_columns: { sku: "KLN-0042" },
      tier: "draft",
    });
    expect(
      list.data
        .filter((g) => g.line === 2)
        .every((g) => g.tier === "support" && Object.keys(g.carried_columns).length === 0),
    ).toBe(true);
    expect(new Set(list.data.map((g) => g.seed)).size).toBe(8);
  });

  it("picks the tier's preset when no preset_id is given", async () => {
    const res = await call(batchesRoute.POST, "/api/v1/batches", {
      token: tokens.write,
      json: { template_id: templateId, tier: "support", rows: [row("Lamp")] },
    });
    expect(res.status).toBe(202);
    const batch = (await res.json()) as Batch;
    const gens = (await (
      await call(batchGenerationsRoute.GET, `/api/v1/batches/${batch.id}/generations`, {
        token: tokens.read,
        params: { id: batch.id },
      })
    ).json()) as List<Generation>;
    expect(gens.data.map((g) => g.tier)).toEqual(["support"]);
  });

  it("refuses a bad value with 400 naming the field, and writes nothing", async () => {
    const before = await batchCount();
    const cases: [unknown, string][] = [
      [body([row("A"), row("B"), row("C"), row("D", { background: "purple" })]), "rows.3.background"],
      [body([row("A"), { colour: "red" }]), "rows.1.product_name"],
      [body([row("A", { tier: "gold" })]), "rows.0.tier"],
      [body([]), "rows"],
      [{ ...body([row("A")]), template_id: "nope" }, "template_id"],
      [{ ...body([row("A")]), template_id: crypto.randomUUID() }, "template_id"],
      [{ template_id: templateId, rows: [row("A")] }, "preset_id"],
      [body([row("A")], { aspect_ratios: ["2:1"] }), "aspect_ratios.0"],
      [body([row("A")], { variants_per_row: 9 }), "variants_per_row"],
    ];
    for (const [json, field] of cases) {
      const res = await call(batchesRoute.POST, "/api/v1/batches", { token: tokens.write, json });
      expect(res.status, field).toBe(400);
      const error = await errorOf(res);
      expect(error, field).toMatchObject({ code: "invalid_input", field });
    }
    expect(await batchCount()).toBe(before);
  });

  it("refuses a banned term before any GPU time with 422 policy_blocked, and writes nothing", async () => {
    await database.db.insert(bannedTerms).values({ term: "rivalbrand", category: "trademark" });
    const before = await batchCount();
    const res = await queue([row("Mug"), row("RivalBrand mug")]);
    expect(res.status).toBe(422);
    expect(await errorOf(res)).toMatchObject({ code: "policy_blocked" });
    expect((await errorOf(await queue([row("RivalBrand mug")]))).message).toMatch(/line 1.*trademark/);
    expect(await batchCount()).toBe(before);
    await database.db.delete(bannedTerms).where(eq(bannedTerms.term, "rivalbrand"));
  });

  it("replays the same Idempotency-Key: the same batch, no second batch", async () => {
    const before = await batchCount();
    const first = await queue([row("Kettle")], { headers: { "Idempotency-Key": "pim-sync-0001" } });
    const again = await queue([row("Kettle")], { headers: { "Idempotency-Key": "pim-sync-0001" } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as Batch).id).toBe(((await first.json()) as Batch).id);
    expect(await batchCount()).toBe(before + 1);
    const reused = await queue([row("Teapot")], { headers: { "Idempotency-Key": "pim-sync-0001" } });
    expect(reused.status).toBe(422);
    expect(await batchCount()).toBe(before + 1);
  });

  it("needs a token, the generations:write scope and a role that may generate", async () => {
    expect((await call(batchesRoute.POST, "/api/v1/batches", { json: body([row("A")]) })).status).toBe(401);
    const scoped = await queue([row("A")], { token: tokens.read });
    expect(scoped.status).toBe(403);
    expect((await errorOf(scoped)).message).toMatch(/generations:write/);
    const role = await queue([row("A")], { token: tokens.reviewer });
    expect(role.status).toBe(403);
  });

  it("refuses a body of another type (415)", async () => {
    const res = await batchesRoute.POST(
      new Request("http://localhost:3000/api/v1/batches", {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.write}`, "content-type": "text/csv" },
        body: "a,b\n1,2",
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(415);
  });
});

describe("POST /api/v1/batches (CSV upload)", () => {
  const csv = [
    "Product Name,Material,Colour,SKU,Category,Background",
    "Trail shoe,mesh,red,KLN-0001,Footwear,white",
    'Coffee mug,ceramic,"blue, glazed",KLN-0002,Kitchen,pastel',
    "Desk lamp,,black,KLN-0003,Lighting,neon jungle",
    ",,,KLN-0004,Misc,white",
    "Tote bag,canvas,natural,KLN-0005,Bags,",
  ].join("\r\n");

  function upload(
    fields: Record<string, string>,
    file: string | null = csv,
    token = tokens.write,
    headers: Record<string, string> = {},
  ) {
    const form = new FormData();
    if (file !== null) form.set("file", new Blob([file], { type: "text/csv" }), "products.csv");
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return call(batchesRoute.POST, "/api/v1/batches", { token, form, headers });
  }

  it("reads the file as the Generate page does: maps columns, carries SKU, skips bad rows with reasons", async () => {
    const res = await upload({
      template_id: templateId,
      preset_id: presets.draft!.id,
      aspect_ratios: "1:1",
      campaign: "Catalogue",
    });
    expect(res.status).toBe(202);
    const batch = (await res.json()) as Batch;
    expect(batch).toMatchObject({ source: "csv", total_generations: 3, skipped_rows_count: 2 });
    expect(batch.skipped_rows.map((r) => r.line)).toEqual([4, 5]);
    expect(batch.skipped_rows[0]!.reasons[0]).toMatch(/Background/);
    expect(batch.skipped_rows[1]!.reasons[0]).toMatch(/Product name is required/);
    expect(testSender.sent.queued).toContain(batch.id);

    const got = (await (
      await call(batchRoute.GET, `/api/v1/batches/${batch.id}`, { token: tokens.read, params: { id: batch.id } })
    ).json()) as Batch;
    expect(got.skipped_rows).toEqual(batch.skipped_rows);
    const gens = (await (
      await call(batchGenerationsRoute.GET, `/api/v1/batches/${batch.id}/generations`, {
        token: tokens.read,
        params: { id: batch.id },
      })
    ).json()) as List<Generation>;
    expect(gens.data.map((g) => [g.line, g.carried_columns.sku, g.carried_columns.category])).toEqual([
      [2, "KLN-0001", "Footwear"],
      [3, "KLN-0002", "Kitchen"],
      [6, "KLN-0005", "Bags"],
    ]);
    expect(gens.data[1]!.variables).toMatchObject({
      product_name: "Coffee mug",
      colour: "blue, glazed",
      background: "pastel",
    });
    expect(gens.data[2]!.variables).toMatchObject({ background: "white" }); // an empty cell takes the default
  });

  it("takes an explicit mapping, repeated aspect ratios and a tier column", async () => {
    const file = "Item;Finish;Tier\nVase;matte;hero\nBowl;gloss;\n";
    const form = new FormData();
    form.set("file", new Blob([file]), "items.csv");
    form.set("template_id", templateId);
    form.set("tier", "draft");
    form.append("aspect_ratios", "1:1");
    form.append("aspect_ratios", "4:5");
    form.set("mapping", JSON.stringify({ product_name: "Item", material: "Finish", angle: { constant: "side" } }));
    const res = await call(batchesRoute.POST, "/api/v1/batches", { token: tokens.write, form });
    expect(res.status).toBe(202);
    const batch = (await res.json()) as Batch;
    expect(batch.total_generations).toBe(4);
    const gens = (await (
      await call(batchGenerationsRoute.GET, `/api/v1/batches/${batch.id}/generations`, {
        token: tokens.read,
        params: { id: batch.id },
      })
    ).json()) as List<Generation>;
    expect(gens.data.map((g) => g.tier)).toEqual(["hero", "hero", "draft", "draft"]);
    expect(gens.data[0]!.variables).toMatchObject({ product_name: "Vase", material: "matte", angle: "side" });
  });

  it("names the field of a bad upload", async () => {
    const cases: [Record<string, string>, string | null, string][] = [
      [{ template_id: templateId, preset_id: presets.draft!.id }, null, "file"],
      [{ template_id: templateId, preset_id: presets.draft!.id }, "", "file"],
      [{ template_id: templateId, preset_id: presets.draft!.id }, "Product Name\n\n", "file"],
      [{ template_id: templateId, preset_id: presets.draft!.id }, "Product Name,Background\n,purple\n", "file"],
      [
        { template_id: templateId, preset_id: presets.draft!.id, mapping: '{"product_name":"Nope"}' },
        csv,
        "mapping.product_name",
      ],
      [{ template_id: templateId, preset_id: presets.draft!.id, mapping: "not json" }, csv, "mapping"],
      [{ template_id: templateId, preset_id: presets.draft!.id, variants_per_row: "0" }, csv, "variants_per_row"],
      [{ preset_id: presets.draft!.id }, csv, "template_id"],
    ];
    const before = await batchCount();
    for (const [fields, file, field] of cases) {
      const res = await upload(fields, file);
      expect(res.status, field).toBe(400);
      expect(await errorOf(res), field).toMatchObject({ code: "invalid_input", field });
    }
    expect(await batchCount()).toBe(before);
  });

  it("replays a retried upload with the same Idempotency-Key", async () => {
    const before = await batchCount();
    const form = new FormData();
    form.set("file", new Blob([csv], { type: "text/csv" }), "products.csv");
    form.set("template_id", templateId);
    form.set("preset_id", presets.draft!.id);
    // A client retrying encodes the form again, with a new random boundary: still the same request.
    const send = async (file: string) => {
      form.set("file", new Blob([file], { type: "text/csv" }), "products.csv");
      const encoded = new Request("http://x/", { method: "POST", body: form });
      return batchesRoute.POST(
        new Request("http://localhost:3000/api/v1/batches", {
          method: "POST",
          headers: {
            authorization: `Bearer ${tokens.write}`,
            "content-type": encoded.headers.get("content-type")!,
            "Idempotency-Key": "csv-upload-77",
          },
          body: await encoded.arrayBuffer(),
        }),
        { params: Promise.resolve({}) },
      );
    };
    const first = await send(csv);
    expect(first.status).toBe(202);
    const again = await send(csv);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as Batch).id).toBe(((await first.json()) as Batch).id);
    // Another file under the same key is another request.
    const other = await send(`${csv}\n`);
    expect(other.status).toBe(422);
    expect(await batchCount()).toBe(before + 1);
  });
});

describe("POST /api/v1/estimates", () => {
  it("prices the would-be batch and creates nothing", async () => {
    const before = await batchCount();
    const res = await call(estimatesRoute.POST, "/api/v1/estimates", {
      token: tokens.read,
      json: body([row("A"), row("B")], { variants_per_row: 3 }),
    });
    expect(res.status).toBe(200);
    const estimate = (await res.json()) as {
      object: string;
      images: number;
      rows: number;
      cost_micros: number;
      currency: string;
      sample_prompt: string;
      refusal: null;
    };
    expect(estimate).toMatchObject({ object: "estimate", images: 6, rows: 2, currency: "usd", refusal: null });
    expect(presets.draft!.price).toBeGreaterThan(0);
    expect(estimate.cost_micros).toBe(6 * presets.draft!.price);
    expect(estimate.sample_prompt).toMatch(/product photo of A/);
    expect(await batchCount()).toBe(before);
  });

  it("validates like POST /batches, takes JSON only, and needs generations:read", async () => {
    const bad = await call(estimatesRoute.POST, "/api/v1/estimates", {
      token: tokens.read,
      json: body([row("A", { angle: "upside" })]),
    });
    expect(await errorOf(bad)).toMatchObject({ code: "invalid_input", field: "rows.0.angle" });
    const form = new FormData();
    form.set("template_id", templateId);
    expect((await call(estimatesRoute.POST, "/api/v1/estimates", { token: tokens.read, form })).status).toBe(415);
    expect(
      (await call(estimatesRoute.POST, "/api/v1/estimates", { token: tokens.assets, json: body([row("A")]) })).status,
    ).toBe(403);
    expect((await call(estimatesRoute.POST, "/api/v1/estimates", { json: body([row("A")]) })).status).toBe(401);
  });
});

describe("GET /api/v1/batches and /batches/{id}", () => {
  it("pages newest first with a cursor, and filters by status", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push(((await (await queue([row(`Item ${i}`)], { token: tokens.lister })).json()) as Batch).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(batchesRoute.GET, `/api/v1/batches?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        token: tokens.lister,
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as List<Batch>;
      expect(page.object).toBe("list");
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((b) => b.id));
      cursor = page.next_cursor;
      expect(page.has_more).toBe(cursor !== null);
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const cancelled = await call(cancelRoute.POST, `/api/v1/batches/${ids[1]}/cancel`, {
      token: tokens.lister,
      params: { id: ids[1]! },
      method: "POST",
    });
    expect(cancelled.status).toBe(200);
    const only = (await (
      await call(batchesRoute.GET, "/api/v1/batches?status=cancelled", { token: tokens.lister })
    ).json()) as List<Batch>;
    expect(only.data.map((b) => b.id)).toEqual([ids[1]]);
    expect(only.has_more).toBe(false);
  });

  it("refuses a bad limit, status or cursor with the field", async () => {
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["status=done", "status"],
      ["cursor=abc", "cursor"],
    ]) {
      const res = await call(batchesRoute.GET, `/api/v1/batches?${query}`, { token: tokens.read });
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).field).toBe(field);
    }
  });

  it("shows a designer only their own batches; another designer's is 404; an admin sees it", async () => {
    const mine = (await (await queue([row("Private")])).json()) as Batch;
    const theirs = (await (
      await call(batchesRoute.GET, "/api/v1/batches?limit=100", { token: tokens.other })
    ).json()) as List<Batch>;
    expect(theirs.data.some((b) => b.id === mine.id)).toBe(false);
    for (const [route, path] of [
      [batchRoute.GET, `/api/v1/batches/${mine.id}`],
      [batchGenerationsRoute.GET, `/api/v1/batches/${mine.id}/generations`],
    ] as const) {
      const res = await call(route, path, { token: tokens.other, params: { id: mine.id } });
      expect(res.status, path).toBe(404);
      expect((await errorOf(res)).code).toBe("not_found");
    }
    expect(
      (
        await call(cancelRoute.POST, `/api/v1/batches/${mine.id}/cancel`, {
          token: tokens.other,
          params: { id: mine.id },
          method: "POST",
        })
      ).status,
    ).toBe(404);
    const admin = await call(batchRoute.GET, `/api/v1/batches/${mine.id}`, {
      token: tokens.admin,
      params: { id: mine.id },
    });
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as Batch).id).toBe(mine.id);
    expect(
      (await call(batchRoute.GET, "/api/v1/batches/not-a-uuid", { token: tokens.read, params: { id: "not-a-uuid" } }))
        .status,
    ).toBe(404);
  });

  it("needs a token, a generations scope and a role that sees batches", async () => {
    expect((await call(batchesRoute.GET, "/api/v1/batches")).status).toBe(401);
    expect((await call(batchesRoute.GET, "/api/v1/batches", { token: tokens.assets })).status).toBe(403);
    expect((await call(batchesRoute.GET, "/api/v1/batches", { token: tokens.reviewer })).status).toBe(403);
    const id = crypto.randomUUID();
    expect((await call(batchRoute.GET, `/api/v1/batches/${id}`, { params: { id } })).status).toBe(401);
    expect((await call(batchRoute.GET, `/api/v1/batches/${id}`, { token: tokens.assets, params: { id } })).status).toBe(
      403,
    );
    expect(
      (await call(batchRoute.GET, `/api/v1/batches/${id}`, { token: tokens.reviewer, params: { id } })).status,
    ).toBe(403);
  });
});

describe("POST /api/v1/batches/{id}/cancel", () => {
  it("cancels with the console's verb, tells the engine, and refuses a second cancel", async () => {
    const batch = (await (await queue([row("A"), row("B")])).json()) as Batch;
    const res = await call(cancelRoute.POST, `/api/v1/batches/${batch.id}/cancel`, {
      token: tokens.write,
      params: { id: batch.id },
      method: "POST",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      object: "batch",
      id: batch.id,
      status: "cancelled",
      counts: { cancelled: 2, queued: 0 },
    });
    expect(testSender.sent.cancelled).toContain(batch.id);
    const again = await call(cancelRoute.POST, `/api/v1/batches/${batch.id}/cancel`, {
      token: tokens.write,
      params: { id: batch.id },
      method: "POST",
    });
    expect(again.status).toBe(409);
  });

  it("replays a cancel with the same Idempotency-Key instead of answering 409", async () => {
    const batch = (await (await queue([row("A")])).json()) as Batch;
    const opts = {
      token: tokens.write,
      params: { id: batch.id },
      method: "POST",
      headers: { "Idempotency-Key": `cancel-${batch.id}` },
    };
    expect((await call(cancelRoute.POST, `/api/v1/batches/${batch.id}/cancel`, opts)).status).toBe(200);
    const again = await call(cancelRoute.POST, `/api/v1/batches/${batch.id}/cancel`, opts);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("needs generations:write and a role that may generate", async () => {
    const batch = (await (await queue([row("A")])).json()) as Batch;
    const path = `/api/v1/batches/${batch.id}/cancel`;
    expect((await call(cancelRoute.POST, path, { params: { id: batch.id }, method: "POST" })).status).toBe(401);
    expect(
      (await call(cancelRoute.POST, path, { token: tokens.read, params: { id: batch.id }, method: "POST" })).status,
    ).toBe(403);
    expect(
      (await call(cancelRoute.POST, path, { token: tokens.reviewer, params: { id: batch.id }, method: "POST" })).status,
    ).toBe(403);
    const [row0] = await database.db.select().from(batches).where(eq(batches.id, batch.id));
    expect(row0!.status).toBe("queued");
    expect(row0!.ownerId).toBe(designerId);
  });
});
