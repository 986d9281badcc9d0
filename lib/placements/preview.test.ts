import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { assetVersions } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import type { Ctx } from "@/lib/auth/context";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { addToCollection, createCollection } from "@/lib/collections";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { getBlobStore, resetBlobStoreForTests } from "@/lib/storage";
import { assignUserTeam, createTeam } from "@/lib/teams";
import { createUserFactory, ctxFor } from "@/test/factories";
import { archivePlacement, listActivePlacements, setFocalPoint } from ".";
import { getPlacementsPreview } from "./preview";

const tmp = mkdtempSync(path.join(tmpdir(), "kiln-placements-"));
let database: Database;
let dana: Ctx;
let gus: Ctx;
let rita: Ctx;
let ada: Ctx;
let assetId: string;

beforeAll(async () => {
  vi.stubEnv("KILN_DATA_DIR", tmp);
  resetEnvForTests();
  resetBlobStoreForTests();
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: "designer" | "reviewer" | "admin") =>
    ctxFor(database.db, await createUserFactory(database.db, { role }));
  [dana, gus, rita, ada] = [
    await user("designer"),
    await user("designer"),
    await user("reviewer"),
    await user("admin"),
  ];
  const team = await createTeam({ ctx: ada, input: { name: "Brand" } });
  for (const u of [dana, gus]) await assignUserTeam({ ctx: ada, input: { userId: u.actor.id, teamId: team.id } });
  const { asset, version } = await createAssetInReview(database.db, { ownerId: dana.actor.id });
  assetId = asset.id;
  // A wide preview: grey, with a bright red patch on the right that the attention strategy finds.
  const patch = await sharp({ create: { width: 120, height: 120, channels: 3, background: { r: 255, g: 40, b: 40 } } })
    .png()
    .toBuffer();
  const preview = await sharp({ create: { width: 800, height: 400, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .composite([{ input: patch, left: 640, top: 140 }])
    .webp()
    .toBuffer();
  const key = `assets/${asset.id}/v1/preview-1280.webp`;
  await getBlobStore().put(key, preview, { contentType: "image/webp" });
  await database.db
    .update(assetVersions)
    .set({
      width: 1600,
      height: 800,
      renditions: { preview: { key, width: 800, height: 400, bytes: preview.length, contentType: "image/webp" } },
    })
    .where(eq(assetVersions.id, version.id));
  const board = await createCollection({ ctx: dana, input: { name: "Spring", shared: true } });
  await addToCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [asset.id] } });
}, 120_000);
afterAll(async () => {
  await database.close();
  vi.unstubAllEnvs();
  resetEnvForTests();
  resetBlobStoreForTests();
  rmSync(tmp, { recursive: true, force: true });
});

describe("getPlacementsPreview", () => {
  it("gives the preview rendition, every active placement and the attention point when none is set", async () => {
    const p = (await getPlacementsPreview({ ctx: dana, assetId }))!;
    expect(p.image).toEqual({ url: `/api/blobs/assets/${assetId}/v1/preview-1280.webp`, width: 800, height: 400 });
    expect(p.focal).toBeNull();
    expect(p.automatic!.x).toBeGreaterThan(0.6);
    expect(p.automatic!.y).toBeCloseTo(0.5, 1);
    expect(p.canMove).toBe(true);
    expect(p.placements.map((x) => x.slug)).toEqual((await listActivePlacements(database.db)).map((x) => x.slug));
    expect(p.placements.find((x) => x.slug === "tiktok-in-feed")).toMatchObject({
      width: 1080,
      height: 1920,
      safeZone: { top: 0.07, bottom: 0.25 },
    });
  });

  it("shows the designer's point once set, and leaves archived placements out", async () => {
    await setFocalPoint({ ctx: dana, assetId, input: { x: 0.1, y: 0.2 } });
    const link = (await listActivePlacements(database.db)).find((x) => x.slug === "meta-link")!;
    await archivePlacement({ ctx: ada, input: { id: link.id } });
    const p = (await getPlacementsPreview({ ctx: rita, assetId }))!;
    expect(p.focal).toEqual({ x: 0.1, y: 0.2 });
    expect(p.canMove).toBe(true); // reviewers act on every asset
    expect(p.placements.map((x) => x.slug)).not.toContain("meta-link");
  });

  it("lets a teammate who sees the asset through a shared board look but not move the point", async () => {
    const p = (await getPlacementsPreview({ ctx: gus, assetId }))!;
    expect(p.canMove).toBe(false);
    expect(p.focal).toEqual({ x: 0.1, y: 0.2 });
    const error = await setFocalPoint({ ctx: gus, assetId, input: { x: 0.5, y: 0.5 } }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("not_found");
  });

  it("is not found for someone who may not see the asset", async () => {
    const stranger = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const error = await getPlacementsPreview({ ctx: stranger, assetId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("not_found");
  });
});
