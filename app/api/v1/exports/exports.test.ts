import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { assets, assetVersions, exportJobs } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken } from "@/lib/api-tokens";
import type { ApiExport } from "@/lib/api/v1/exports";
import { callRoute, errorOf, walkPages } from "@/lib/api/v1/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { finishExport, renderExportChunk, startExport, writeExportZip } from "@/lib/exports/build";
import { readZipEntries } from "@/lib/exports/read-zip";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { createLibraryAsset, createLibraryCatalog, type LibraryCatalog } from "@/lib/library/testing";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { createUserFactory, ctxFor } from "@/test/factories";

vi.mock("server-only", () => ({}));
let store: LocalBlobStore;
vi.mock("@/lib/storage", () => ({ getBlobStore: () => store }));
// The background engine is not under test: record what would be sent to it.
const sent: string[] = [];
vi.mock("@/inngest/send", () => ({
  sendExportRequested: async ({ exportId }: { exportId: string }) => void sent.push(exportId),
}));

const { GET: list, POST: create } = await import("./route");
const { GET: getOne } = await import("./[id]/route");
const { GET: download } = await import("./[id]/download/route");

let database: Database;
let dir: string;
let catalog: LibraryCatalog;
type User = Awaited<ReturnType<typeof createUserFactory>>;
let dana: User;
let omar: User;
const tokens = { dana: "", danaRead: "", danaAssets: "", finance: "", omar: "" };
const ok: string[] = [];
let draftAlt: string;

async function makeAsset(owner: User, i: number, alt: "confirmed" | "draft" = "confirmed") {
  const { assetId, versionId } = await createLibraryAsset(database.db, catalog, {
    ownerId: owner.id,
    status: "approved",
    campaign: "Spring launch",
    width: 400,
    height: 300,
  });
  const [v] = await database.db.select().from(assetVersions).where(eq(assetVersions.id, versionId));
  const png = await sharp({
    create: { width: 400, height: 300, channels: 3, background: { r: 30 * i, g: 120, b: 90 } },
  })
    .withExif({ IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .png()
    .toBuffer();
  await store.put(v!.blobKey, png, { contentType: "image/png" });
  await database.db
    .update(assets)
    .set({ title: `Trail shoe ${i}`, altText: `Shoe ${i}`, altTextStatus: alt, approvalId: `apr_${i}` })
    .where(eq(assets.id, assetId));
  await refreshAssetSearch(database.db, [assetId]);
  return assetId;
}

const body = (extra: object = {}) => ({
  selection: { asset_ids: [...ok, draftAlt] },
  placements: ["google-medium-rectangle"],
  formats: ["webp"],
  ...extra,
});
const post = (b: unknown, o: { token?: string | null; key?: string } = {}) =>
  callRoute(create, "/api/v1/exports", {
    token: o.token === undefined ? tokens.dana : o.token,
    body: b,
    headers: o.key ? { "idempotency-key": o.key } : {},
  });
const getExport = (id: string, token = tokens.dana) =>
  callRoute(getOne, `/api/v1/exports/${id}`, { token, params: { id } });
const getZip = (id: string, token = tokens.dana) =>
  callRoute(download, `/api/v1/exports/${id}/download`, { token, params: { id } });

/** Runs the job's steps the way the build-export function does. */
async function build(exportId: string) {
  const deps = { db: database.db, store };
  const plan = await startExport(deps, exportId);
  for (const chunk of plan!.chunks) await renderExportChunk(deps, exportId, chunk);
  await finishExport(deps, exportId, await writeExportZip(deps, exportId));
}

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  const db = database.db;
  dir = mkdtempSync(path.join(tmpdir(), "kiln-api-exports-"));
  store = new LocalBlobStore(dir);
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  catalog = await createLibraryCatalog(db);
  dana = await createUserFactory(db, { role: "designer" });
  omar = await createUserFactory(db, { role: "designer" });
  const finance = await createUserFactory(db, { role: "finance" });
  const make = async (user: User, scopes: ("exports:write" | "exports:read" | "assets:read")[]) =>
    (await createApiToken({ ctx: ctxFor(db, user), input: { name: scopes.join(" "), scopes } })).token;
  tokens.dana = await make(dana, ["exports:write"]);
  tokens.danaRead = await make(dana, ["exports:read"]);
  tokens.danaAssets = await make(dana, ["assets:read"]);
  tokens.finance = await make(finance, ["exports:write"]);
  tokens.omar = await make(omar, ["exports:write"]);
  for (const i of [1, 2]) ok.push(await makeAsset(dana, i));
  draftAlt = await makeAsset(dana, 3, "draft");
}, 120_000);
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("/api/v1/exports: authentication, scope and role", () => {
  it("refuses no token (401), a token without the scope (403) and a role that does not export (403)", async () => {
    const anyId = "00000000-0000-4000-8000-000000000000";
    const reads = [
      (t: string | null) => callRoute(list, "/api/v1/exports", { token: t }),
      (t: string | null) => callRoute(getOne, `/api/v1/exports/${anyId}`, { token: t, params: { id: anyId } }),
      (t: string | null) =>
        callRoute(download, `/api/v1/exports/${anyId}/download`, { token: t, params: { id: anyId } }),
    ];
    for (const call of [...reads, (t: string | null) => post(body(), { token: t })]) {
      expect((await call(null)).status).toBe(401);
      const scope = await call(tokens.danaAssets);
      expect(scope.status).toBe(403);
      expect((await errorOf(scope)).message).toMatch(/exports:(read|write)/);
      const role = await call(tokens.finance);
      expect(role.status).toBe(403);
      expect((await errorOf(role)).message).toMatch(/role/);
    }
    // exports:read may look, not create.
    expect((await post(body(), { token: tokens.danaRead })).status).toBe(403);
    expect((await callRoute(list, "/api/v1/exports", { token: tokens.danaRead })).status).toBe(200);
  });
});

describe("POST /api/v1/exports", () => {
  it("answers 202 with the export, its files and the held-back assets with their reasons", async () => {
    const res = await post(body({ name: "PIM sync" }));
    expect(res.status).toBe(202);
    const e = (await res.json()) as ApiExport;
    expect(e).toMatchObject({
      object: "export",
      name: "PIM sync",
      status: "queued",
      progress: { files_done: 0, files_total: 2 },
      assets_included: 2,
      placements: ["google-medium-rectangle"],
      formats: ["webp"],
      include_original: false,
      download_url: null,
    });
    expect(e.held_back).toEqual([
      { asset_id: draftAlt, title: "Trail shoe 3", reasons: ["alt text not confirmed by a person"] },
    ]);
    expect(sent).toContain(e.id);
  });

  it("replays the same Idempotency-Key and body: the same export, one row, one job sent; another body with it is 422", async () => {
    const [{ n: before }] = (await database.db.select({ n: count() }).from(exportJobs)) as [{ n: number }];
    const sentBefore = sent.length;
    const first = await post(body(), { key: "pim-run-42" });
    const again = await post(body(), { key: "pim-run-42" });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const [a, b] = [(await first.json()) as ApiExport, (await again.json()) as ApiExport];
    expect(b.id).toBe(a.id);
    const [{ n: after }] = (await database.db.select({ n: count() }).from(exportJobs)) as [{ n: number }];
    expect(after).toBe(before + 1);
    expect(sent.length).toBe(sentBefore + 1);
    const other = await post(body({ formats: ["png"] }), { key: "pim-run-42" });
    expect(other.status).toBe(422);
    expect((await errorOf(other)).code).toBe("idempotency_key_reused");
  });

  it("answers 400 naming the field the client sent", async () => {
    for (const [b, field] of [
      [body({ formats: [] }), "formats"],
      [body({ formats: ["tiff"] }), "formats.0"],
      [body({ placements: ["billboard"] }), "placements"],
      [body({ placements: [], include_original: false }), "placements"],
      [body({ selection: { everything: true } }), "selection"],
      [body({ selection: { query: "status:bogus" } }), "selection.query"],
      [body({ quality: { webp: 0 } }), "quality.webp"],
    ] as const) {
      const res = await post(b);
      expect(res.status, JSON.stringify(b)).toBe(400);
      expect((await errorOf(res)).field, JSON.stringify(b)).toBe(field);
    }
    const notJson = await callRoute(create, "/api/v1/exports", {
      token: tokens.dana,
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
  });

  it("never exports another designer's asset: it is neither included nor listed", async () => {
    const res = await post(
      { selection: { asset_ids: ok }, placements: ["google-medium-rectangle"], formats: ["webp"] },
      { token: tokens.omar },
    );
    expect(res.status).toBe(202);
    const e = (await res.json()) as ApiExport;
    expect(e.assets_included).toBe(0);
    expect(JSON.stringify(e)).not.toContain(ok[0]);
  });
});

describe("GET /api/v1/exports and /api/v1/exports/{id}", () => {
  it("pages through the owner's exports newest first with no overlap, and never lists another user's", async () => {
    for (let i = 0; i < 3; i++) expect((await post(body({ name: `batch ${i}` }))).status).toBe(202);
    const mine = await database.db.select({ id: exportJobs.id, createdBy: exportJobs.createdBy }).from(exportJobs);
    const danas = mine.filter((r) => r.createdBy === dana.id).map((r) => r.id);
    expect(danas.length).toBeGreaterThanOrEqual(5);
    const { pages, ids } = await walkPages<ApiExport>((cursor) =>
      callRoute(list, `/api/v1/exports?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: tokens.danaRead }),
    );
    expect(pages.length).toBeGreaterThan(2);
    expect(new Set(ids)).toEqual(new Set(danas));
    const created = (
      await Promise.all(ids.map(async (id) => ((await (await getExport(id)).json()) as ApiExport).created_at))
    ).map((t) => Date.parse(t));
    expect(created).toEqual([...created].sort((x, y) => y - x));
    // A tampered cursor (here: a time PostgreSQL would not parse) is a 400 on `cursor`, never a 500.
    const tampered = Buffer.from(JSON.stringify(["2026", ids[0]])).toString("base64url");
    for (const cursor of ["zzz", tampered]) {
      const res = await callRoute(list, `/api/v1/exports?cursor=${cursor}`, { token: tokens.dana });
      expect(res.status, cursor).toBe(400);
      expect((await errorOf(res)).field).toBe("cursor");
    }
  });

  it("answers 404 for another user's export", async () => {
    const [omars] = await database.db
      .select({ id: exportJobs.id })
      .from(exportJobs)
      .where(eq(exportJobs.createdBy, omar.id));
    expect((await getExport(omars!.id)).status).toBe(404);
    expect((await getZip(omars!.id)).status).toBe(404);
    expect((await getExport("not-an-id")).status).toBe(404);
  });
});

describe("GET /api/v1/exports/{id}/download", () => {
  it("is 409 until built, then streams the ZIP of placement renditions, then 410 once expired", async () => {
    const e = (await (await post(body())).json()) as ApiExport;
    const early = await getZip(e.id);
    expect(early.status).toBe(409);
    expect((await errorOf(early)).code).toBe("conflict");

    await build(e.id);
    const ready = (await (await getExport(e.id, tokens.danaRead)).json()) as ApiExport;
    expect(ready).toMatchObject({ status: "succeeded", progress: { files_done: 2, files_total: 2 } });
    expect(ready.download_url).toMatch(new RegExp(`/api/v1/exports/${e.id}/download$`));
    expect(ready.expires_at).not.toBeNull();

    const res = await getZip(e.id, tokens.danaRead);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    const zip = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get("content-length")).toBe(String(zip.length));
    expect(zip.length).toBe(ready.bytes);
    const images = (await readZipEntries(zip)).filter((x) => x.name.startsWith("google-medium-rectangle/"));
    expect(images).toHaveLength(2);
    for (const img of images) {
      const m = await sharp(img.data).metadata();
      expect([m.format, m.width, m.height, m.exif]).toEqual(["webp", 300, 250, undefined]);
    }

    await database.db
      .update(exportJobs)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(exportJobs.id, e.id));
    const gone = await getZip(e.id);
    expect(gone.status).toBe(410);
    expect((await errorOf(gone)).code).toBe("gone");
    const expired = (await (await getExport(e.id)).json()) as ApiExport;
    expect(expired).toMatchObject({ status: "expired", download_url: null });
  });
});
