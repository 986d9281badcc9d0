import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import { assets, assetVersions } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import type { Ctx } from "@/lib/auth/context";
import { can, type Permission } from "@/lib/auth/permissions";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { AppError } from "@/lib/errors";
import { createLibraryAsset, createLibraryCatalog } from "@/lib/library/testing";
import { LocalBlobStore } from "@/lib/storage/local-driver";
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
let store: LocalBlobStore;
vi.mock("@/lib/storage", () => ({ getBlobStore: () => store }));

const { GET } = await import("./route");

let database: Database;
let dir: string;
let owner: Ctx;
let assetId: string;
let original: Buffer;

function get(
  query: string,
  {
    version = "1",
    id = assetId,
    headers = {},
  }: { version?: string; id?: string; headers?: Record<string, string> } = {},
) {
  const url = `http://localhost:3000/api/assets/${id}/versions/${version}/download${query}`;
  return GET(new Request(url, { headers: { "sec-fetch-site": "same-origin", ...headers } }), {
    params: Promise.resolve({ id, number: version }),
  });
}

async function error(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  dir = mkdtempSync(path.join(tmpdir(), "kiln-download-route-"));
  store = new LocalBlobStore(dir);
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const catalog = await createLibraryCatalog(db);
  owner = ctxFor(db, await createUserFactory(db, { role: "designer" }));
  const created = await createLibraryAsset(db, catalog, {
    ownerId: owner.actor.id,
    status: "approved",
    width: 320,
    height: 200,
  });
  assetId = created.assetId;
  await db.update(assets).set({ title: "Chaussure trail « été » KLN-0042" }).where(eq(assets.id, assetId));
  const [v] = await db.select().from(assetVersions).where(eq(assetVersions.id, created.versionId));
  original = await sharp({ create: { width: 320, height: 200, channels: 3, background: "#3a6" } })
    .png()
    .toBuffer();
  await store.put(v!.blobKey, original, { contentType: "image/png" });
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/assets/[id]/versions/[number]/download", () => {
  it("streams a WebP as an attachment with a safe name, its length, a strong ETag and a revalidating cache rule", async () => {
    actor = owner;
    const res = await get("?format=webp&quality=80");
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect((await sharp(body).metadata()).format).toBe("webp");
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("content-length")).toBe(String(body.length));
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="chaussure-trail-ete-kln-0042-v1.webp"; filename*=UTF-8''chaussure-trail-%C3%A9t%C3%A9-kln-0042-v1.webp`,
    );
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");

    const again = await get("?format=webp&quality=80", { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("serves the original byte for byte, cacheable for a year, for the current version too", async () => {
    actor = owner;
    for (const res of [await get("?format=original"), await get("", { version: "current" })]) {
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
      expect(res.headers.get("content-disposition")).toMatch(
        /^attachment; filename="chaussure-trail-ete-kln-0042-v1\.png"/,
      );
    }
  });

  it("answers 400 for a bad format, quality or version, 404 for a missing version or an asset one may not see", async () => {
    actor = owner;
    for (const [query, version, message] of [
      ["?format=tiff", "1", /Format must be one of/],
      ["?format=jpeg&quality=0", "1", /whole number from 1 to 100/],
      ["?format=avif&quality=high", "1", /whole number from 1 to 100/],
      ["?format=png&quality=90", "1", /lossless/],
      ["?format=png", "first", /version number/],
    ] as const) {
      const res = await get(query, { version });
      expect(res.status, query).toBe(400);
      expect((await error(res)).message).toMatch(message);
    }
    const missing = await get("?format=png", { version: "4" });
    expect(missing.status).toBe(404);
    expect((await error(missing)).message).toBe("This asset has no version 4.");

    actor = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const hidden = await get("?format=png");
    expect(hidden.status).toBe(404);
    expect((await error(hidden)).code).toBe("not_found");
    expect((await get("?format=png", { id: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);

    actor = ctxFor(database.db, await createUserFactory(database.db, { role: "finance" }));
    expect((await get("?format=png")).status).toBe(403);
    actor = null;
    expect((await get("?format=png")).status).toBe(401);
  });

  it("refuses a download another site started (an <img> or link on a foreign page carrying the cookie)", async () => {
    actor = owner;
    for (const site of ["cross-site", "same-site"]) {
      const res = await get("?format=png", { headers: { "sec-fetch-site": site } });
      expect(res.status).toBe(403);
      expect((await error(res)).message).toMatch(/did not come from Kiln's own pages/);
    }
    // A typed address or a bookmark is the user's own doing.
    expect((await get("?format=png", { headers: { "sec-fetch-site": "none" } })).status).toBe(200);
  });
});
