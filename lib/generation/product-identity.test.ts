import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions, auditEvents, generations, notifications, templates } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import { parseCsv } from "@/lib/batches/csv";
import { suggestMapping } from "@/lib/batches/map-columns";
import { validateRows } from "@/lib/batches/validate-rows";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { rerollGeneration } from "@/lib/checks/reroll";
import { getEditorView } from "@/lib/editing/editor-view";
import { decideAsset } from "@/lib/review/decide";
import { listNotifications } from "@/lib/review/notifications";
import { listReviewQueue } from "@/lib/review/queue";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { getBatch } from "./batch-views";
import { getActiveTemplate, listActivePresets } from "./catalog";
import { estimateBatch, queueBatch } from "./queue-batch";
import { runGeneration } from "./run-generation";

/**
 * Product identity through a batch, on the real pipeline helpers: a CSV with SKU and category
 * columns is validated as the browser does it, queued, generated against the simulator over HTTP,
 * and the title and carried columns are found on the generations, the assets, the jobs grid, the
 * review queue, the asset page, the editor, a re-roll and the designer's notification.
 */
let database: Database;
let sim: RunningSimulator;
let designer: ReturnType<typeof ctxFor>;
let reviewer: ReturnType<typeof ctxFor>;
let templateId: string;
let presetIds: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  reviewer = ctxFor(database.db, await createUserFactory(database.db, { role: "reviewer", name: "Rita Reviewer" }));
  const [product] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  templateId = product!.id;
  presetIds = Object.fromEntries((await listActivePresets(database.db)).map((p) => [p.preset.tier, p.preset.id]));
});
afterAll(async () => {
  await sim.close();
  await database.close();
});

const CSV = [
  "SKU,Product name,Category,Colour",
  "KLN-0042,Trail shoe,Footwear,slate blue",
  "KLN-0043,Rain jacket,,yellow",
].join("\n");

async function rowsFromCsv() {
  const { version } = await getActiveTemplate(database.db, templateId);
  const csv = parseCsv(CSV);
  const checked = validateRows({
    definition: version.definition,
    csv,
    mapping: suggestMapping(version.definition, csv.headers),
  });
  expect(checked.invalid).toEqual([]);
  expect(checked.carry.columns).toEqual([
    { header: "SKU", key: "sku" },
    { header: "Category", key: "category" },
  ]);
  return checked.valid.map((r) => ({ line: r.line, values: r.values, carried: r.carried }));
}

describe("a CSV batch with SKU and category columns", () => {
  it("titles every generation and asset from the template's pattern and carries the extra columns as metadata", async () => {
    const rows = await rowsFromCsv();
    const request = {
      templateId,
      presetId: presetIds.support,
      variantsPerRow: 2,
      aspectRatios: ["1:1"],
      source: "csv",
      rows,
    };
    expect(await estimateBatch({ ctx: designer, input: request })).toMatchObject({
      sampleTitle: "Trail shoe KLN-0042 · 1/2",
    });
    const { batch } = await queueBatch({ ctx: designer, input: { ...request, idempotencyKey: "identity-0001" } });

    const gens = await database.db
      .select()
      .from(generations)
      .where(eq(generations.batchId, batch.id))
      .orderBy(generations.rowLine, generations.variantIndex);
    expect(gens.map((g) => [g.title, g.carriedColumns])).toEqual([
      ["Trail shoe KLN-0042 · 1/2", { sku: "KLN-0042", category: "Footwear" }],
      ["Trail shoe KLN-0042 · 2/2", { sku: "KLN-0042", category: "Footwear" }],
      ["Rain jacket KLN-0043 · 1/2", { sku: "KLN-0043" }],
      ["Rain jacket KLN-0043 · 2/2", { sku: "KLN-0043" }],
    ]);
    const [queued] = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, batch.id));
    expect(queued!.data).toMatchObject({ carriedColumns: ["sku", "category"] });

    // Generated over HTTP: the asset takes the title and the carried columns at creation.
    const first = gens[0]!;
    expect(
      await runGeneration({ db: database.db, store: getBlobStore(), generationId: first.id, attempt: 0 }),
    ).toMatchObject({ status: "succeeded" });
    const [asset] = await database.db.select().from(assets).where(eq(assets.generationId, first.id));
    expect(asset).toMatchObject({
      title: "Trail shoe KLN-0042 · 1/2",
      metadata: { sku: "KLN-0042", category: "Footwear" },
    });

    // The jobs grid names each tile by its title (queued ones too).
    const detail = await getBatch({ ctx: designer, batchId: batch.id });
    expect(detail.rows.map((r) => r.title)).toEqual(gens.map((g) => g.title));
    expect(detail.rows[2]!.carried).toEqual({ sku: "KLN-0043" });

    // The asset page and the editor.
    const page = await getAssetDetail({ ctx: designer, assetId: asset!.id });
    expect(page).toMatchObject({
      title: "Trail shoe KLN-0042 · 1/2",
      metadata: { sku: "KLN-0042", category: "Footwear" },
    });
    expect((await getEditorView({ ctx: designer, assetId: asset!.id })).asset.title).toBe("Trail shoe KLN-0042 · 1/2");

    // In review: the reviewer sees the title and the SKU; the designer's notification names the product.
    await database.db
      .update(assets)
      .set({ status: "in_review", enteredReviewAt: new Date() })
      .where(eq(assets.id, asset!.id));
    const queue = await listReviewQueue({ ctx: reviewer, input: {} });
    const item = queue.items.find((i) => i.assetId === asset!.id)!;
    expect(item).toMatchObject({
      title: "Trail shoe KLN-0042 · 1/2",
      metadata: { sku: "KLN-0042", category: "Footwear" },
    });
    const [version] = await database.db.select().from(assetVersions).where(eq(assetVersions.assetId, asset!.id));
    await decideAsset({
      ctx: reviewer,
      input: {
        assetId: asset!.id,
        assetVersionId: version!.id,
        decision: "request_changes",
        comment: "Laces are missing.",
      },
    });
    const told = await listNotifications({ ctx: designer });
    expect(told.map((n) => n.message)).toEqual([
      "Trail shoe KLN-0042 · 1/2: Rita Reviewer requested changes: “Laces are missing.”.",
    ]);

    // A re-roll is the same product: same title and metadata on the new generation and its asset.
    const reroll = await database.db.transaction((tx) => rerollGeneration(tx, first.id));
    const [child] = await database.db.select().from(generations).where(eq(generations.id, reroll!.generationId));
    expect(child).toMatchObject({ title: first.title, carriedColumns: first.carriedColumns, rerollOf: first.id });
    await runGeneration({ db: database.db, store: getBlobStore(), generationId: child!.id, attempt: 0 });
    const [childAsset] = await database.db.select().from(assets).where(eq(assets.generationId, child!.id));
    expect(childAsset).toMatchObject({
      title: "Trail shoe KLN-0042 · 1/2",
      metadata: { sku: "KLN-0042", category: "Footwear" },
    });
    expect((await getAssetDetail({ ctx: designer, assetId: childAsset!.id })).reroll?.depth).toBe(1);
    expect(await database.db.select().from(notifications).where(eq(notifications.assetId, childAsset!.id))).toEqual([]);
  });

  it("falls back to “Row N, variant M” without a pattern match, and refuses carried columns named like a variable", async () => {
    // The form path: no carried columns; the pattern's {{sku}} is empty, so the title is the product alone.
    const { batch } = await queueBatch({
      ctx: designer,
      input: {
        templateId,
        presetId: presetIds.draft,
        variantsPerRow: 1,
        aspectRatios: ["1:1", "16:9"],
        rows: [{ line: 1, values: { product_name: "Linen tote" } }],
        idempotencyKey: "identity-0002",
      },
    });
    const gens = await database.db
      .select()
      .from(generations)
      .where(eq(generations.batchId, batch.id))
      .orderBy(generations.variantIndex);
    expect(gens.map((g) => g.title)).toEqual(["Linen tote · 1:1", "Linen tote · 16:9"]);

    await expect(
      queueBatch({
        ctx: designer,
        input: {
          templateId,
          presetId: presetIds.draft,
          variantsPerRow: 1,
          aspectRatios: ["1:1"],
          rows: [{ line: 4, values: { product_name: "Mug" }, carried: { product_name: "Other" } }],
          idempotencyKey: "identity-0003",
        },
      }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { "line 4": [expect.stringContaining("template variable")] },
    });
    await expect(
      queueBatch({
        ctx: designer,
        input: {
          templateId,
          presetId: presetIds.draft,
          variantsPerRow: 1,
          aspectRatios: ["1:1"],
          rows: [{ line: 5, values: { product_name: "Mug" }, carried: { "Bad key": "x" } }],
          idempotencyKey: "identity-0004",
        },
      }),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });
});
