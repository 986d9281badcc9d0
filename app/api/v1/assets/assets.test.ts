import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { assets, assetVersions, auditEvents } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/api-tokens";
import type { ApiAsset, ApiAssetSummary } from "@/lib/api/v1/asset-schemas";
import { callRoute, errorOf, walkPages } from "@/lib/api/v1/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { refreshAssetSearch } from "@/lib/library/refresh";
import {
  createLibraryAsset,
  createLibraryCatalog,
  type LibraryAssetOptions,
  type LibraryCatalog,
} from "@/lib/library/testing";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { createUserFactory, ctxFor } from "@/test/factories";

vi.mock("server-only", () => ({}));
let store: LocalBlobStore;
vi.mock("@/lib/storage", () => ({ getBlobStore: () => store }));

const { GET: list } = await import("./route");
const { GET: getOne } = await import("./[id]/route");
const { GET: download } = await import("./[id]/versions/[number]/download/route");
const { GET: placement } = await import("./[id]/placements/[slug]/route");

let database: Database;
let dir: string;
let catalog: LibraryCatalog;
type User = Awaited<ReturnType<typeof createUserFactory>>;
let dana: User;
let omar: User;
let rita: User;
const tokens = { dana: "", danaExportsOnly: "", finance: "", omar: "" };
let pub: string; // approved, alt text confirmed: publishable
let blocked: string; // approved, alt text only drafted, rights expired
let omars: string;
const danas: string[] = [];

/** A photo-like PNG with camera and GPS EXIF that must never leave Kiln in a rendition. */
function photo(width: number, height: number, seed: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40 + seed * 30, g: 140, b: 200 } } })
    .composite([
      {
        input: { create: { width: 80, height: 60, channels: 3, background: "#f0c020" } },
        left: 40 + seed * 10,
        top: 50,
      },
    ])
    .withExif({ IFD0: { Make: "Canon", Model: "EOS R5" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .png()
    .toBuffer();
}

async function makeAsset(owner: User, i: number, o: Partial<LibraryAssetOptions> = {}) {
  const { assetId, versionId } = await createLibraryAsset(database.db, catalog, {
    ownerId: owner.id,
    title: `Trail shoe ${i}`,
    carried: { SKU: `KLN-00${i}` },
    width: 640,
    height: 400,
    createdAt: new Date(Date.UTC(2026, 10, 1, 12, i)),
    ...o,
  });
  const [v] = await database.db.select().from(assetVersions).where(eq(assetVersions.id, versionId));
  await store.put(v!.blobKey, await photo(640, 400, i), { contentType: "image/png" });
  await database.db
    .update(assets)
    .set({ title: `Trail shoe ${i}` })
    .where(eq(assets.id, assetId));
  await refreshAssetSearch(database.db, [assetId]);
  return assetId;
}

const token = (name: keyof typeof tokens) => tokens[name];

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  const db = database.db;
  dir = mkdtempSync(path.join(tmpdir(), "kiln-api-assets-"));
  store = new LocalBlobStore(dir);
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  catalog = await createLibraryCatalog(db);
  dana = await createUserFactory(db, { role: "designer", name: "Dana" });
  omar = await createUserFactory(db, { role: "designer" });
  rita = await createUserFactory(db, { role: "reviewer", name: "Rita" });
  const finance = await createUserFactory(db, { role: "finance" });
  tokens.dana = (
    await createApiToken({ ctx: ctxFor(db, dana), input: { name: "PIM", scopes: ["assets:read"] } })
  ).token;
  tokens.danaExportsOnly = (
    await createApiToken({ ctx: ctxFor(db, dana), input: { name: "exports", scopes: ["exports:read"] } })
  ).token;
  tokens.finance = (
    await createApiToken({ ctx: ctxFor(db, finance), input: { name: "f", scopes: ["assets:read"] } })
  ).token;
  tokens.omar = (await createApiToken({ ctx: ctxFor(db, omar), input: { name: "o", scopes: ["assets:read"] } })).token;

  pub = await makeAsset(dana, 1, {
    status: "approved",
    check: { verdict: "warn", reasons: ["text_detected"] },
    review: { reviewerId: rita.id, decision: "approve", comment: "Logo reads well" },
  });
  await db
    .update(assets)
    .set({
      altText: "A blue trail shoe on a rock",
      altTextStatus: "confirmed",
      approvalId: "apr_0001",
      rightsLicence: "Owned",
      rightsChannels: ["web"],
    })
    .where(eq(assets.id, pub));
  blocked = await makeAsset(dana, 2, { status: "approved" });
  await db
    .update(assets)
    .set({
      altText: "A shoe",
      altTextStatus: "draft",
      approvalId: "apr_0002",
      rightsExpiresAt: new Date("2026-01-01T00:00:00Z"),
    })
    .where(eq(assets.id, blocked));
  await refreshAssetSearch(db, [pub, blocked]);
  danas.push(pub, blocked);
  for (const i of [3, 4, 5]) danas.push(await makeAsset(dana, i, { status: "in_review" }));
  omars = await makeAsset(omar, 9, { status: "approved" });
}, 120_000);
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const search = (query: string, who: keyof typeof tokens = "dana") =>
  callRoute(list, `/api/v1/assets${query}`, { token: token(who) });
const asset = (id: string, who: keyof typeof tokens = "dana") =>
  callRoute(getOne, `/api/v1/assets/${id}`, { token: token(who), params: { id } });
const file = (
  id: string,
  number: string,
  query = "",
  headers: Record<string, string> = {},
  who: keyof typeof tokens = "dana",
) =>
  callRoute(download, `/api/v1/assets/${id}/versions/${number}/download${query}`, {
    token: token(who),
    params: { id, number },
    headers,
  });
const rendition = (
  id: string,
  slug: string,
  query = "",
  headers: Record<string, string> = {},
  who: keyof typeof tokens = "dana",
) =>
  callRoute(placement, `/api/v1/assets/${id}/placements/${slug}${query}`, {
    token: token(who),
    params: { id, slug },
    headers,
  });

describe("/api/v1/assets: authentication, scope and role", () => {
  it("refuses a request without a token (401), a token without assets:read (403) and a role without assets (403)", async () => {
    const calls = [
      (t: string | null) => callRoute(list, "/api/v1/assets", { token: t }),
      (t: string | null) => callRoute(getOne, `/api/v1/assets/${pub}`, { token: t, params: { id: pub } }),
      (t: string | null) =>
        callRoute(download, `/api/v1/assets/${pub}/versions/1/download`, {
          token: t,
          params: { id: pub, number: "1" },
        }),
      (t: string | null) =>
        callRoute(placement, `/api/v1/assets/${pub}/placements/meta-feed-square`, {
          token: t,
          params: { id: pub, slug: "meta-feed-square" },
        }),
    ];
    for (const call of calls) {
      const none = await call(null);
      expect(none.status).toBe(401);
      expect((await errorOf(none)).code).toBe("unauthenticated");
      const scope = await call(tokens.danaExportsOnly);
      expect(scope.status).toBe(403);
      expect((await errorOf(scope)).message).toMatch(/assets:read/);
      const role = await call(tokens.finance);
      expect(role.status).toBe(403);
      expect((await errorOf(role)).message).toMatch(/role/);
    }
  });
});

describe("GET /api/v1/assets", () => {
  it("searches with the library's grammar and its visibility", async () => {
    const res = await search("?q=status:approved");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: ApiAssetSummary[] };
    expect(body.object).toBe("list");
    expect(body.data.map((a) => a.id).sort()).toEqual([pub, blocked].sort());
    const first = body.data.find((a) => a.id === pub)!;
    expect(first).toMatchObject({
      object: "asset",
      title: "Trail shoe 1",
      status: "approved",
      tier: "support",
      currency: "usd",
      owner_name: "Dana",
    });
    expect(first.url).toMatch(new RegExp(`/api/v1/assets/${pub}$`));
    expect(first.download_url).toMatch(new RegExp(`/api/v1/assets/${pub}/versions/current/download$`));
    // Omar's approved asset is his: Dana's token never finds it; his own does.
    const omarsSearch = (await (await search("?q=status:approved", "omar")).json()) as { data: ApiAssetSummary[] };
    expect(omarsSearch.data.map((a) => a.id)).toEqual([omars]);
  });

  it("answers a grammar error with 400, field q and the grammar's own message; bad limits and cursors name their field", async () => {
    const bad = await search(`?q=${encodeURIComponent("status:bogus")}`);
    expect(bad.status).toBe(400);
    const e = await errorOf(bad);
    expect(e).toMatchObject({ code: "invalid_input", field: "q" });
    expect(e.message).toMatch(/column \d+/);
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?cursor=not-a-cursor", "cursor"],
      ["?sort=biggest", "sort"],
    ] as const) {
      const res = await search(query);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).field, query).toBe(field);
    }
  });

  it("pages through every visible asset with no overlap, newest first, even while assets are added", async () => {
    let added: string | null = null;
    const { pages, ids } = await walkPages<ApiAssetSummary>(async (cursor) => {
      if (cursor && !added) added = await makeAsset(dana, 7, { status: "in_review", createdAt: new Date() }); // lands on page 1's side of the cursor
      return search(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(ids).toEqual([...danas].reverse()); // created a minute apart, oldest first
    expect(ids).not.toContain(omars);
    expect(added).not.toBeNull();
  });
});

describe("GET /api/v1/assets/{id}", () => {
  it("gives status, columns, alt text, rights, approval, versions, checks, decisions and file links", async () => {
    const res = await asset(pub);
    expect(res.status).toBe(200);
    const a = (await res.json()) as ApiAsset;
    expect(a).toMatchObject({
      object: "asset",
      id: pub,
      title: "Trail shoe 1",
      status: "approved",
      tier: "support",
      source: "generated",
      columns: { SKU: "KLN-001" },
      approval_id: "apr_0001",
      alt_text: { text: "A blue trail shoe on a rock", status: "confirmed" },
      usage_rights: { licence: "Owned", channels: ["web"], expires_at: null, state: "none" },
      currency: "usd",
      publishable: true,
      publish_problems: [],
    });
    expect(a.versions).toEqual([
      expect.objectContaining({
        object: "asset_version",
        number: 1,
        current: true,
        width: 640,
        height: 400,
        operation: "generate",
        original_format: "png",
      }),
    ]);
    const [stored] = await database.db
      .select({ id: assetVersions.id })
      .from(assetVersions)
      .where(eq(assetVersions.assetId, pub));
    expect(a.versions[0]!.id).toBe(stored!.id);
    expect(a.versions[0]!.download_url).toMatch(
      new RegExp(`/api/v1/assets/${pub}/versions/1/download\\?format=original$`),
    );
    expect(a.checks.verdict).toBe("warn");
    expect(a.checks.results).toEqual([
      expect.objectContaining({ check: "check-0-text_detected", verdict: "warn", reason_code: "text_detected" }),
    ]);
    expect(a.decisions).toEqual([
      expect.objectContaining({
        object: "review_decision",
        decision: "approve",
        note: "Logo reads well",
        reviewer: "Rita",
        version: 1,
        undone: false,
      }),
    ]);
    expect(a.renditions.formats.map((f) => f.format).sort()).toEqual(["avif", "jpeg", "png", "webp"]);
    const meta = a.renditions.placements.find((p) => p.slug === "meta-feed-square")!;
    expect(meta).toMatchObject({ width: 1080, height: 1080, default_format: "jpeg" });
    expect(meta.url).toMatch(new RegExp(`/api/v1/assets/${pub}/placements/meta-feed-square$`));
  });

  it("says why an asset may not be published, and gives no placement links then", async () => {
    const a = (await (await asset(blocked)).json()) as ApiAsset;
    expect(a.publishable).toBe(false);
    expect(a.publish_problems).toEqual(["alt text not confirmed by a person", "usage rights expired on 2026-01-01"]);
    expect(a.usage_rights.state).toBe("expired");
    expect(a.renditions.placements.length).toBeGreaterThan(0);
    expect(a.renditions.placements.every((p) => p.url === null)).toBe(true);
  });

  it("answers 404 for another designer's asset and for an id that is not one", async () => {
    for (const id of [omars, "00000000-0000-4000-8000-000000000000", "nope"]) {
      const res = await asset(id);
      expect(res.status, id).toBe(404);
      expect((await errorOf(res)).code).toBe("not_found");
    }
  });
});

describe("GET /api/v1/assets/{id}/versions/{number}/download", () => {
  it("streams a converted file of the right format and size with no location or camera metadata, and 304s on its ETag", async () => {
    for (const format of ["webp", "jpeg", "png", "avif"] as const) {
      const res = await file(pub, "1", `?format=${format}${format === "png" ? "" : "&quality=70"}`);
      expect(res.status, format).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.format === "heif" ? "avif" : meta.format).toBe(format);
      expect([meta.width, meta.height]).toEqual([640, 400]);
      expect(meta.exif, `${format} carries EXIF`).toBeUndefined();
      expect(bytes.includes(Buffer.from("Canon"))).toBe(false);
      expect(res.headers.get("content-length")).toBe(String(bytes.length));
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="trail-shoe-1-v1\./);
      expect(res.headers.get("ratelimit-limit")).toBeTruthy();
      const etag = res.headers.get("etag")!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      const again = await file(pub, "1", `?format=${format}${format === "png" ? "" : "&quality=70"}`, {
        "if-none-match": etag,
      });
      expect(again.status).toBe(304);
    }
  });

  it("serves the original as stored, for a number or `current`", async () => {
    const [v] = await database.db.select().from(assetVersions).where(eq(assetVersions.assetId, pub));
    const stored = (await store.get(v!.blobKey))!;
    const chunks: Buffer[] = [];
    for await (const c of stored.body) chunks.push(c as Buffer);
    // The test's source does carry camera and GPS EXIF, so the renditions' lack of it above means something.
    expect((await sharp(Buffer.concat(chunks)).metadata()).exif).toBeDefined();
    for (const number of ["1", "current"]) {
      const res = await file(pub, number);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.concat(chunks))).toBe(true);
    }
  });

  it("answers 400 with the field for a bad format or quality, 404 for a missing version or an invisible asset", async () => {
    for (const [query, field] of [
      ["?format=tiff", "format"],
      ["?format=jpeg&quality=0", "quality"],
      ["?format=png&quality=80", "quality"],
    ] as const) {
      const res = await file(pub, "1", query);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).field, query).toBe(field);
    }
    expect((await file(pub, "9")).status).toBe(404);
    expect((await file(omars, "1")).status).toBe(404);
  });
});

describe("GET /api/v1/assets/{id}/placements/{slug}", () => {
  it("crops and resizes to the placement, in its default format or the one asked, stripped of location metadata, audited", async () => {
    const res = await rendition(pub, "meta-feed-square");
    expect(res.status).toBe(200);
    const jpeg = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([jpeg.format, jpeg.width, jpeg.height]).toEqual(["jpeg", 1080, 1080]);
    expect(jpeg.exif).toBeUndefined();

    const png = await rendition(pub, "google-medium-rectangle", "?format=png");
    expect(png.status).toBe(200);
    const bytes = Buffer.from(await png.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 300, 250]);
    expect(meta.exif).toBeUndefined();
    expect(bytes.includes(Buffer.from("GPS"))).toBe(false);
    expect(meta.xmp?.toString()).toContain("apr_0001"); // the approval goes out with the file
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(
      (await rendition(pub, "google-medium-rectangle", "?format=png", { "if-none-match": png.headers.get("etag")! }))
        .status,
    ).toBe(304);

    const audits = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "asset.downloaded"), eq(auditEvents.subjectId, pub)));
    expect(audits.map((r) => (r.data as { placement?: string }).placement).filter(Boolean)).toEqual([
      "meta-feed-square",
      "google-medium-rectangle",
    ]);
  });

  it("refuses an asset that may not be published with 422 policy_blocked and every reason", async () => {
    const res = await rendition(blocked, "meta-feed-square");
    expect(res.status).toBe(422);
    const e = await errorOf(res);
    expect(e.code).toBe("policy_blocked");
    expect(e.message).toContain("alt text not confirmed by a person");
    expect(e.message).toContain("usage rights expired on 2026-01-01");
    const notApproved = await rendition(danas[2]!, "meta-feed-square");
    expect((await errorOf(notApproved)).message).toContain("not approved (in review)");
  });

  it("answers 404 for an unknown placement or an invisible asset, 400 for quality on PNG", async () => {
    expect((await rendition(pub, "billboard-xxl")).status).toBe(404);
    expect((await rendition(omars, "meta-feed-square")).status).toBe(404);
    const q = await rendition(pub, "meta-feed-square", "?format=png&quality=50");
    expect(q.status).toBe(400);
    expect((await errorOf(q)).field).toBe("quality");
  });
});
