import Papa from "papaparse";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import type { Ctx } from "@/lib/auth/context";
import { can, type Permission } from "@/lib/auth/permissions";
import { parseCsv } from "@/lib/batches/csv";
import { suggestMapping } from "@/lib/batches/map-columns";
import { validateRows } from "@/lib/batches/validate-rows";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { AppError } from "@/lib/errors";
import { getBatch } from "@/lib/generation/batch-views";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { createUserFactory, ctxFor } from "@/test/factories";

vi.mock("server-only", () => ({}));
/** The session the guard would find: whoever the test signs in as, with the real permission table. */
let actor: Ctx | null = null;
vi.mock("@/lib/auth/guard", () => ({
  requireCtx: async (permission: Permission) => {
    if (!actor) throw new AppError("unauthenticated", "Sign in.");
    if (!can(actor.actor.role, permission)) throw new AppError("forbidden", "Not for your role.");
    return actor;
  },
}));

const { GET } = await import("./route");

let database: Database;
let owner: Ctx;
let other: Ctx;
let admin: Ctx;
let reviewer: Ctx;
let batchId: string;

function get(id = batchId) {
  return GET(
    new Request(`http://localhost:3000/api/batches/${id}/skipped-rows`, {
      headers: { "sec-fetch-site": "same-origin" },
    }),
    {
      params: Promise.resolve({ id }),
    },
  );
}

/** The merchandiser's file: a background column off the template's list, an SKU, and a formula-looking note. */
const FILE = [
  "Product name,background,SKU,Note",
  "Mug,studio grey,KLN-1,ok",
  "Bowl,studio grey,KLN-2,",
  'Plate,Cream,KLN-3,"=HYPERLINK(""x"")"',
  ",white,KLN-4,no name",
  "Cup,pastel,KLN-5,",
].join("\n");

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  owner = ctxFor(db, await createUserFactory(db, { role: "designer" }));
  other = ctxFor(db, await createUserFactory(db, { role: "designer" }));
  admin = ctxFor(db, await createUserFactory(db, { role: "admin" }));
  reviewer = ctxFor(db, await createUserFactory(db, { role: "reviewer" }));
  const [product] = await db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  const { version } = await getActiveTemplate(db, product!.id);
  const presets = await listActivePresets(db);

  // As the Generate page does it: validate with the value map, send file values + the map + the rows left out.
  const csv = parseCsv(FILE);
  const valueMap = { background: { "studio grey": { to: "light grey" }, Cream: { use: "skip" as const } } };
  const checked = validateRows({
    definition: version.definition,
    csv,
    mapping: suggestMapping(version.definition, csv.headers),
    valueMap,
  });
  expect(checked.valid.map((r) => r.line)).toEqual([2, 3, 6]);
  const { batch } = await queueBatch({
    ctx: owner,
    input: {
      templateId: product!.id,
      presetId: presets.find((p) => p.preset.tier === "draft")!.preset.id,
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      source: "csv",
      idempotencyKey: "skipped-rows-route-1",
      valueMap,
      rows: checked.valid.map((r) => ({ line: r.line, values: r.source, carried: r.carried })),
      skipped: checked.invalid.map((r) => ({ line: r.line, reasons: r.errors, values: r.values })),
    },
  });
  batchId = batch.id;
});
afterAll(async () => {
  await database.close();
});

describe("queueing with a value map", () => {
  it("applies the map on the server and keeps the rows left out, grouped on the job page", async () => {
    const gens = (await getBatch({ ctx: owner, batchId })).rows;
    expect(gens.map((g) => [g.line, g.prompt.includes("on a light grey background")])).toEqual([
      [2, true],
      [3, true],
      [6, false],
    ]);
    const detail = await getBatch({ ctx: owner, batchId });
    expect(detail.skipped).toEqual({
      count: 2,
      kept: 2,
      groups: [
        {
          message: 'Left out at mapping: Background value "Cream" (column "background") was set to “ignore the row”.',
          rows: 1,
          lines: "4",
        },
        { message: 'Product name is required (column "Product name").', rows: 1, lines: "5" },
      ],
    });
  });

  it("refuses a map whose target is not on the template's list, whatever the browser says", async () => {
    const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
    const presets = await listActivePresets(database.db);
    await expect(
      queueBatch({
        ctx: owner,
        input: {
          templateId: product!.id,
          presetId: presets[0]!.preset.id,
          variantsPerRow: 1,
          aspectRatios: ["1:1"],
          source: "csv",
          idempotencyKey: "skipped-rows-route-2",
          valueMap: { background: { "studio grey": { to: "studio grey" } } },
          rows: [{ line: 2, values: { product_name: "Mug", background: "studio grey" } }],
        },
      }),
    ).rejects.toThrow(/"studio grey" is not one of Background's allowed values/);
  });
});

describe("GET /api/batches/[id]/skipped-rows", () => {
  it("gives the owner the skipped rows with the file's columns, the line and the reason, formulas neutralised", async () => {
    actor = owner;
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="skipped-rows-${batchId.slice(0, 8)}.csv"`,
    );
    expect(res.headers.get("cache-control")).toBe("no-store");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM, so Excel reads UTF-8
    const parsed = Papa.parse<string[]>(new TextDecoder().decode(bytes).trim(), { newline: "\r\n" }).data;
    expect(parsed).toEqual([
      ["Product name", "background", "SKU", "Note", "line", "reason"],
      [
        "Plate",
        "Cream",
        "KLN-3",
        '\'=HYPERLINK("x")',
        "4",
        'Left out at mapping: Background value "Cream" (column "background") was set to “ignore the row”.',
      ],
      ["", "white", "KLN-4", "no name", "5", 'Product name is required (column "Product name").'],
    ]);
  });

  it("lets an admin download it, and hides it from another designer as from a stranger", async () => {
    actor = admin;
    expect((await get()).status).toBe(200);
    actor = other;
    const res = await get();
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("KLN-3");
    expect((await get("not-a-uuid")).status).toBe(404);
  });

  it("needs a session and the batches.view permission", async () => {
    actor = null;
    expect((await get()).status).toBe(401);
    actor = reviewer;
    const status = (await get()).status;
    expect(status).toBe(can("reviewer", "batches.view") ? 404 : 403);
  });
});
