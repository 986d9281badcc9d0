import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assetEdits, assetVersions, generations, teams, uploads, users, type Rendition } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { addToCollection, createCollection, updateCollection } from "@/lib/collections";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { getBlobStore } from "@/lib/storage";
import { createUserFactory, ctxFor } from "@/test/factories";
import { readBlob } from "./blob-access";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
}, 60_000);
afterAll(() => database.close());

type Role = "designer" | "reviewer" | "finance" | "admin";
type Kind =
  | "upload original"
  | "upload rendition"
  | "version original"
  | "version rendition"
  | "edit original"
  | "edit rendition"
  | "edit mask";

let tiny: Buffer;
async function putBlob(key: string): Promise<void> {
  tiny ??= await sharp({ create: { width: 4, height: 4, channels: 3, background: "#808080" } })
    .png()
    .toBuffer();
  await getBlobStore().put(key, tiny, { contentType: "image/png" });
}
const rendition = (key: string): Rendition => ({ key, width: 4, height: 4, bytes: 70, contentType: "image/webp" });

/**
 * One designer's upload and one asset in review, laid out in storage as production lays them out:
 * the generation's original and renditions (version 1), an edit's result and renditions (version
 * 2) and the edit's painted mask.
 */
async function designersBlobs(ownerId: string): Promise<Record<Kind, string>> {
  const db = database.db;
  const uploadId = randomUUID();
  const keys = {
    "upload original": `uploads/${uploadId}/original.jpg`,
    "upload rendition": `uploads/${uploadId}/thumb-320.webp`,
  } as Record<Kind, string>;
  await db.insert(uploads).values({
    id: uploadId,
    ownerId,
    filename: "IMG_0001.jpg",
    contentType: "image/jpeg",
    bytes: 10,
    width: 4,
    height: 4,
    sha256: "0".repeat(64),
    blobKey: keys["upload original"],
    status: "ready",
    renditions: { thumb: rendition(keys["upload rendition"]) },
  });

  const { asset, version } = await createAssetInReview(db, { ownerId });
  const [gen] = await db
    .select({ id: generations.id })
    .from(generations)
    .where(eq(generations.blobKey, version.blobKey));
  keys["version original"] = `generations/${gen!.id}/original.png`;
  keys["version rendition"] = `generations/${gen!.id}/preview-1280.webp`;
  await db
    .update(generations)
    .set({ blobKey: keys["version original"], renditions: { preview: rendition(keys["version rendition"]) } })
    .where(eq(generations.id, gen!.id));
  await db
    .update(assetVersions)
    .set({ blobKey: keys["version original"], renditions: { preview: rendition(keys["version rendition"]) } })
    .where(eq(assetVersions.id, version.id));

  const editId = randomUUID();
  keys["edit mask"] = `assets/${asset.id}/masks/${"ab".repeat(16)}.png`;
  keys["edit original"] = `assets/${asset.id}/edits/${editId}.png`;
  keys["edit rendition"] = `assets/${asset.id}/v2/thumb-320.webp`;
  await db.insert(assetEdits).values({
    id: editId,
    assetId: asset.id,
    sourceVersionId: version.id,
    operation: "erase",
    maskBlobKey: keys["edit mask"],
    engine: "telea",
    status: "succeeded",
    requestedBy: ownerId,
    idempotencyKey: `blob-access-${editId}`,
  });
  await db.insert(assetVersions).values({
    assetId: asset.id,
    number: 2,
    parentVersionId: version.id,
    operation: "erase",
    blobKey: keys["edit original"],
    width: 4,
    height: 4,
    renditions: { thumb: rendition(keys["edit rendition"]) },
    createdBy: ownerId,
    editId,
  });
  for (const key of Object.values(keys)) await putBlob(key);
  return keys;
}

async function statusFor(ctx: ReturnType<typeof ctxFor>, key: string): Promise<number> {
  try {
    const response = await readBlob({
      ctx,
      store: getBlobStore(),
      key,
      request: new Request(`http://kiln.test/api/blobs/${key}`),
    });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return 404;
    throw error;
  }
}

describe("reading a blob by its key", () => {
  it("follows the visibility of the upload or asset it belongs to, per role and blob kind", async () => {
    const db = database.db;
    const owner = ctxFor(db, await createUserFactory(db, { role: "designer" }));
    const keys = await designersBlobs(owner.actor.id);
    const actors: Record<string, ReturnType<typeof ctxFor>> = { owner };
    for (const role of ["designer", "reviewer", "finance", "admin"] as Role[]) {
      actors[role === "designer" ? "other designer" : role] = ctxFor(db, await createUserFactory(db, { role }));
    }
    // Designers: their own uploads and assets. Reviewers and admins: every upload and asset.
    // Finance: no images (its pages show none).
    const sees: Record<string, boolean> = {
      owner: true,
      "other designer": false,
      reviewer: true,
      admin: true,
      finance: false,
    };

    const got: Record<string, Record<string, number>> = {};
    const expected: Record<string, Record<string, number>> = {};
    for (const [who, ctx] of Object.entries(actors)) {
      got[who] = {};
      expected[who] = {};
      for (const [kind, key] of Object.entries(keys)) {
        got[who]![kind] = await statusFor(ctx, key);
        expected[who]![kind] = sees[who] ? 200 : 404;
      }
    }
    expect(got).toEqual(expected);
  });

  it("refuses, as not found, a blob that belongs to nothing Kiln knows, whoever asks", async () => {
    const db = database.db;
    const owner = ctxFor(db, await createUserFactory(db, { role: "designer" }));
    const admin = ctxFor(db, await createUserFactory(db, { role: "admin" }));
    const keys = await designersBlobs(owner.actor.id);
    const assetId = keys["edit mask"].split("/")[1]!;
    const uploadId = keys["upload original"].split("/")[1]!;
    const strays = [
      `uploads/${randomUUID()}/original.png`, // no such upload
      `uploads/${uploadId}/secret-copy.png`, // a real upload, but a key it does not reference
      `assets/${assetId}/masks/${"cd".repeat(16)}.png`,
      `generations/${randomUUID()}/original.png`,
      `exports/${randomUUID()}.zip`, // a layout nothing owns
      `uploads/not-a-uuid/original.png`,
    ];
    for (const key of strays) await putBlob(key);
    for (const key of strays) {
      expect(await statusFor(admin, key), key).toBe(404);
      expect(await statusFor(owner, key), key).toBe(404);
    }
  });
});

describe("blobs of an asset on a shared collection (decision 0016)", () => {
  it("are readable by the owner's teammates while the board is shared with their team, and by nobody else", async () => {
    const db = database.db;
    const [brand, growth] = await db
      .insert(teams)
      .values([{ name: `Brand ${randomUUID()}` }, { name: `Growth ${randomUUID()}` }])
      .returning();
    const designer = async (teamId: string) => {
      const u = await createUserFactory(db, { role: "designer" });
      await db.update(users).set({ teamId }).where(eq(users.id, u.id));
      return ctxFor(db, u);
    };
    const owner = await designer(brand!.id);
    const teammate = await designer(brand!.id);
    const outsider = await designer(growth!.id);
    const keys = await designersBlobs(owner.actor.id);
    const [{ assetId }] = (await db
      .select({ assetId: assetVersions.assetId })
      .from(assetVersions)
      .where(eq(assetVersions.blobKey, keys["version original"]))) as [{ assetId: string }];
    const board = await createCollection({ ctx: owner, input: { name: "Spring picks", shared: false } });
    await addToCollection({ ctx: owner, input: { collectionId: board.id, assetIds: [assetId] } });

    const statuses = async (ctx: ReturnType<typeof ctxFor>) =>
      Object.fromEntries(
        await Promise.all(Object.entries(keys).map(async ([k, key]) => [k, await statusFor(ctx, key)] as const)),
      );
    const assetKinds = (status: number) => ({
      "upload original": 404, // the upload is not on the board; only the asset is shared
      "upload rendition": 404,
      "version original": status,
      "version rendition": status,
      "edit original": status,
      "edit rendition": status,
      "edit mask": status,
    });
    // Private board: nothing changes for anyone but the owner.
    expect(await statuses(teammate)).toEqual(assetKinds(404));
    await updateCollection({ ctx: owner, input: { collectionId: board.id, shared: true } });
    expect(await statuses(teammate)).toEqual(assetKinds(200));
    expect(await statuses(outsider)).toEqual(assetKinds(404));
    // Unsharing takes it back at once.
    await updateCollection({ ctx: owner, input: { collectionId: board.id, shared: false } });
    expect(await statuses(teammate)).toEqual(assetKinds(404));
  });
});
