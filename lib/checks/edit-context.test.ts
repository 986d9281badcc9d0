import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assetEdits, assets, assetVersions, checkRuns, generations } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createAssetInReview } from "@/lib/review/testing";
import { getBlobStore } from "@/lib/storage";
import { createUserFactory } from "@/test/factories";
import { loadPhoto } from "./calibration/photos";
import { perceptualHash } from "./classical";
import { prepareImage } from "./prepare";
import { loadCheckInput, runOneCheck } from "./run-checks";

let database: Database;
let ownerId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  ownerId = (await createUserFactory(database.db, { role: "designer" })).id;
}, 60_000);
afterAll(async () => {
  await database.close();
});

const photo = async (name: string, side: number) =>
  sharp(await loadPhoto(name))
    .resize(side, side)
    .png()
    .toBuffer();

async function store(key: string, bytes: Buffer) {
  await getBlobStore().put(key, bytes, { contentType: "image/png" });
}

async function check(versionId: string, checkId: string) {
  const { image, prepareError, context } = await loadCheckInput(database.db, getBlobStore(), {
    assetVersionId: versionId,
    thresholds: {},
    checkIds: [checkId],
  });
  const { outcome, error } = await runOneCheck(checkId, image, prepareError, context);
  expect(error).toBeNull();
  return { outcome: outcome!, context };
}

/** A version made by an edit, as lib/editing stores it: the asset_edits row and the version pointing at it. */
async function editVersion(
  asset: { id: string },
  source: { id: string; number: number },
  operation: "upscale" | "erase" | "remove_background",
  params: Record<string, unknown>,
  bytes: Buffer,
) {
  const { width, height } = await sharp(bytes).metadata();
  const key = `assets/${asset.id}/edit-${source.number + 1}.png`;
  await store(key, bytes);
  const [edit] = await database.db
    .insert(assetEdits)
    .values({
      assetId: asset.id,
      sourceVersionId: source.id,
      operation,
      params,
      engine: "local",
      requestedBy: ownerId,
      idempotencyKey: `edit-${key}`,
      status: "succeeded",
    })
    .returning();
  const [version] = await database.db
    .insert(assetVersions)
    .values({
      assetId: asset.id,
      number: source.number + 1,
      parentVersionId: source.id,
      operation,
      blobKey: key,
      width: width!,
      height: height!,
      editId: edit!.id,
    })
    .returning();
  await database.db.update(assets).set({ currentVersionId: version!.id }).where(eq(assets.id, asset.id));
  return version!;
}

describe("the size check on edited versions", () => {
  it("judges an upscale against its factor × the source's size, and a later edit against its source", async () => {
    const { asset, version: v1 } = await createAssetInReview(database.db, { ownerId, tier: "hero" });
    await store(v1.blobKey, await photo("coffee", 1024));
    expect((await check(v1.id, "size")).outcome.verdict).toBe("pass");

    const v2 = await editVersion(asset, v1, "upscale", { scale: 2 }, await photo("coffee", 2048));
    const up = await check(v2.id, "size");
    expect(up.context.expected).toEqual({ width: 2048, height: 2048 });
    expect(up.outcome.verdict, up.outcome.detail).toBe("pass");
    expect(up.outcome.detail).toMatch(/2× upscale of version 1 \(1024×1024\)/);

    // An erase on the upscaled version keeps its size.
    const v3 = await editVersion(asset, v2, "erase", {}, await photo("coffee", 2048));
    expect((await check(v3.id, "size")).outcome.verdict).toBe("pass");

    // An upscale that came back at the wrong size is still caught.
    const v4 = await editVersion(asset, v3, "upscale", { scale: 4 }, await photo("coffee", 2048));
    expect((await check(v4.id, "size")).outcome).toMatchObject({ verdict: "warn", reasonCode: "wrong_size" });
  });
});

describe("the near-duplicate check in a catalogue batch", () => {
  /** An asset whose version holds `bytes`, with the pHash its check run stored; optionally moved into `batchId` at `rowLine`. */
  async function product(
    bytes: Buffer,
    o: { batchId?: string; rowLine?: number; values?: Record<string, string>; sku?: string; approved?: boolean },
  ) {
    const { asset, version } = await createAssetInReview(database.db, { ownerId, tier: "hero" });
    await store(version.blobKey, bytes);
    const hash = perceptualHash((await prepareImage(bytes)).gray);
    await database.db.update(checkRuns).set({ phash: hash }).where(eq(checkRuns.assetVersionId, version.id));
    await database.db
      .update(generations)
      .set({ ...(o.batchId ? { batchId: o.batchId } : {}), rowLine: o.rowLine ?? 1, values: o.values ?? {} })
      .where(eq(generations.id, asset.generationId!));
    await database.db
      .update(assets)
      .set({
        ...(o.batchId ? { batchId: o.batchId } : {}),
        metadata: o.sku ? { sku: o.sku } : {},
        ...(o.approved ? { status: "approved" as const } : {}),
      })
      .where(eq(assets.id, asset.id));
    return { asset, version };
  }

  it("does not compare distinct products (other rows) of one batch, but does compare a row's own variants", async () => {
    // One template: every product shot is the same scene, so the images sit a few hash bits apart.
    const scene = await photo("chelsea", 512);
    const first = await product(scene, { rowLine: 2, values: { product_name: "Mug" }, sku: "KLN-1" });
    const batchId = first.asset.batchId!;
    const other = await product(await sharp(scene).modulate({ brightness: 1.05 }).png().toBuffer(), {
      batchId,
      rowLine: 3,
      values: { product_name: "Bowl" },
      sku: "KLN-2",
    });
    const otherRow = await check(other.version.id, "duplicate");
    expect(otherRow.context.batchHashes).toEqual([]);
    expect(otherRow.outcome.verdict, otherRow.outcome.detail).toBe("pass");

    const variant = await product(scene, { batchId, rowLine: 2, values: { product_name: "Mug" }, sku: "KLN-1" });
    const sameRow = await check(variant.version.id, "duplicate");
    expect(sameRow.context.batchHashes.map((r) => r.id)).toEqual([first.asset.id]);
    expect(sameRow.outcome).toMatchObject({ verdict: "fail", reasonCode: "duplicate" });
  });

  it("compares with approved images of the same product from other batches (same values or same sku), not other products'", async () => {
    const scene = await photo("coffee", 512);
    const sameSku = await product(scene, { values: { product_name: "Old name" }, sku: "KLN-9", approved: true });
    const sameValues = await product(scene, { values: { product_name: "Teapot" }, approved: true });
    await product(scene, { values: { product_name: "Plate" }, sku: "KLN-10", approved: true });
    await product(scene, { values: { product_name: "Teapot" }, sku: "KLN-9" }); // same product, not approved
    const fresh = await product(scene, { values: { product_name: "Teapot" }, sku: "KLN-9" });
    const { context, outcome } = await check(fresh.version.id, "duplicate");
    expect(context.batchHashes.map((r) => r.id).sort()).toEqual([sameSku.asset.id, sameValues.asset.id].sort());
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "duplicate" });
    expect(outcome.detail).toMatch(/\(approved\)/);
  });
});
