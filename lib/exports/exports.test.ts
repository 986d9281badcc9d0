import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, count, eq, inArray } from "drizzle-orm";
import Papa from "papaparse";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db";
import {
  assets,
  assetVersions,
  auditEvents,
  batches,
  exportJobs,
  notifications,
  placements,
  renditionCache,
  type Placement,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { addToCollection, createCollection } from "@/lib/collections";
import { readAll } from "@/lib/images/renditions";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { createLibraryAsset, createLibraryCatalog, type LibraryCatalog } from "@/lib/library/testing";
import { LocalBlobStore } from "@/lib/storage/local-driver";
import { createUserFactory, ctxFor } from "@/test/factories";
import { finishExport, renderExportChunk, startExport, writeExportZip } from "./build";
import { createExport } from "./create-export";
import { readZipEntries } from "./read-zip";
import { planExport } from "./request";
import { getExport, openExportDownload, sweepExpiredExports } from "./views";

// The routes run for real behind a session guard that answers with the test's current user.
vi.mock("server-only", () => ({}));
let currentCtx: ReturnType<typeof ctxFor> | null = null;
vi.mock("@/lib/auth/guard", () => ({ requireCtx: async () => currentCtx }));
let store: LocalBlobStore;
vi.mock("@/lib/storage", () => ({ getBlobStore: () => store }));

let database: Database;
let dir: string;
let catalog: LibraryCatalog;
type User = Awaited<ReturnType<typeof createUserFactory>>;
let dana: User; // designer
let omar: User; // another designer
let rita: User; // reviewer
let ada: User; // admin
let meta: Placement;
let google: Placement;
const sent: string[] = [];
const send = async ({ exportId }: { exportId: string }) => void sent.push(exportId);
const ok: string[] = [];
let draftAlt: string;
let inReview: string;
let omars: string;
let danaBatchId: string;

/** A 1024² image of its own colours, with EXIF camera and GPS fields that must never leave. */
async function image(seed: number): Promise<Buffer> {
  const patch = await sharp({
    create: { width: 200, height: 200, channels: 3, background: { r: 240, g: (seed * 70) % 255, b: 40 } },
  })
    .png()
    .toBuffer();
  return sharp({
    create: {
      width: 1024,
      height: 1024,
      channels: 3,
      background: { r: (seed * 50) % 255, g: 120, b: 200 - seed * 20 },
    },
  })
    .composite([{ input: patch, left: 100 + seed * 100, top: 300 }])
    .withExif({ IFD0: { Make: "Canon", Model: "EOS R5" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .png()
    .toBuffer();
}

async function makeAsset(
  owner: User,
  i: number,
  o: { status?: "approved" | "in_review"; alt?: "confirmed" | "draft"; campaign?: string },
) {
  const { assetId, versionId } = await createLibraryAsset(database.db, catalog, {
    ownerId: owner.id,
    status: o.status ?? "approved",
    campaign: o.campaign ?? "Spring launch",
    title: `Trail shoe ${i}`,
    carried: { SKU: `KLN-00${i}`, category: i % 2 ? "=SUM(A1)" : "shoes" },
  });
  const [v] = await database.db.select().from(assetVersions).where(eq(assetVersions.id, versionId));
  await store.put(v!.blobKey, await image(i), { contentType: "image/png" });
  await database.db
    .update(assets)
    .set({
      title: `Trail shoe ${i}`,
      altText: `A trail shoe number ${i} on a rock`,
      altTextStatus: o.alt ?? "confirmed",
      approvalId: o.status === "in_review" ? null : `apr_${i}`,
    })
    .where(eq(assets.id, assetId));
  await refreshAssetSearch(database.db, [assetId]);
  return assetId;
}

/** Runs the job's steps the way build-export does (start, each chunk, the ZIP, finish). */
async function runJob(exportId: string) {
  const deps = { db: database.db, store };
  const plan = await startExport(deps, exportId);
  for (const chunk of plan!.chunks) await renderExportChunk(deps, exportId, chunk);
  const zip = await writeExportZip(deps, exportId);
  return finishExport(deps, exportId, zip);
}

async function zipOf(exportId: string) {
  const [job] = await database.db.select().from(exportJobs).where(eq(exportJobs.id, exportId));
  const blob = await store.get(job!.blobKey!);
  return { job: job!, bytes: await readAll(blob!.body) };
}

const request = (selection: object, extra: object = {}) => ({
  selection,
  placementIds: [meta.id, google.id],
  formats: ["jpeg", "webp"],
  quality: { jpeg: 80, webp: 75 },
  ...extra,
});

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "kiln-exports-"));
  store = new LocalBlobStore(dir);
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  catalog = await createLibraryCatalog(database.db);
  dana = await createUserFactory(database.db, { role: "designer" });
  omar = await createUserFactory(database.db, { role: "designer" });
  rita = await createUserFactory(database.db, { role: "reviewer" });
  ada = await createUserFactory(database.db, { role: "admin" });
  meta = (await database.db.select().from(placements).where(eq(placements.slug, "meta-feed-square")))[0]!;
  google = (await database.db.select().from(placements).where(eq(placements.slug, "google-medium-rectangle")))[0]!;
  for (const i of [1, 2, 3]) ok.push(await makeAsset(dana, i, {}));
  draftAlt = await makeAsset(dana, 4, { alt: "draft" });
  inReview = await makeAsset(dana, 5, { status: "in_review" });
  omars = await makeAsset(omar, 6, {});
  const [a] = await database.db.select({ batchId: assets.batchId }).from(assets).where(eq(assets.id, ok[0]!));
  danaBatchId = a!.batchId!;
}, 60_000);
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("an export of a library search", () => {
  let exportId: string;

  it("resolves the selection now, with the creator's visibility, and lists held-back assets with reasons", async () => {
    const job = await createExport({
      ctx: ctxFor(database.db, dana),
      input: request({ query: 'campaign:"Spring launch"' }),
      send,
    });
    exportId = job.id;
    expect(sent).toContain(job.id);
    expect(job.status).toBe("queued");
    expect(job.assetsIncluded).toBe(3);
    expect(job.filesTotal).toBe(3 * 2 * 2);
    expect(new Set(job.request.items!.map((i) => i.assetId))).toEqual(new Set(ok));
    // Omar's approved asset in the same campaign is not Dana's to see: neither included nor listed.
    expect(JSON.stringify(job)).not.toContain(omars);
    const held = Object.fromEntries(job.heldBack.map((h) => [h.assetId, h.reasons]));
    expect(Object.keys(held).sort()).toEqual([draftAlt, inReview].sort());
    expect(held[draftAlt]).toEqual(["alt text not confirmed by a person"]);
    expect(held[inReview]).toEqual(["not approved (in review)"]);
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "export.created"), eq(auditEvents.subjectId, job.id)));
    expect(audit).toMatchObject({
      actorId: dana.id,
      data: expect.objectContaining({ assets: 3, heldBack: 2, files: 12 }),
    });
  });

  it("builds a ZIP of STORED renditions: right sizes and formats, no EXIF, manifests that match the bytes", async () => {
    const done = await runJob(exportId);
    expect(done).toMatchObject({ status: "succeeded", filesDone: 12 });
    expect(done.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    const { job, bytes } = await zipOf(exportId);
    expect(job.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(job.bytes).toBe(bytes.length);
    const entries = await readZipEntries(bytes);
    const images = entries.filter((e) => !e.name.endsWith(".csv") && !e.name.endsWith(".json"));
    expect(images).toHaveLength(12);
    for (const e of images) {
      expect(e.method).toBe(0); // stored: renditions are compressed already
      const [folder, file] = e.name.split("/");
      expect(["meta-feed-square", "google-medium-rectangle"]).toContain(folder);
      expect(file).toMatch(/^trail-shoe-[123]-[0-9a-f]{8}\.(jpg|webp)$/);
      const m = await sharp(e.data).metadata();
      expect(m.format).toBe(file!.endsWith(".jpg") ? "jpeg" : "webp");
      expect([m.width, m.height]).toEqual(folder === "meta-feed-square" ? [1080, 1080] : [300, 250]);
      expect(m.exif).toBeUndefined();
      expect(m.xmp?.toString("utf8") ?? "").not.toContain("Canon");
    }
    const csv = entries
      .find((e) => e.name === "manifest.csv")!
      .data.toString("utf8")
      .replace(/^\uFEFF/, "");
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(12);
    expect(Object.keys(rows[0]!).slice(0, 5)).toEqual(["asset_id", "approval_id", "title", "SKU", "category"]);
    for (const row of rows) {
      const entry = images.find((e) => e.name === row.file)!;
      expect(row.sha256).toBe(createHash("sha256").update(entry.data).digest("hex"));
      expect(Number(row.bytes)).toBe(entry.data.length);
      expect(row.alt_text).toMatch(/^A trail shoe number [123] on a rock$/);
      expect(row.approval_id).toMatch(/^apr_[123]$/);
      expect(row.SKU).toMatch(/^KLN-00[123]$/);
      if (row.category !== "shoes") expect(row.category).toBe("'=SUM(A1)"); // formula-safe
    }
    const json = JSON.parse(entries.find((e) => e.name === "manifest.json")!.data.toString("utf8")) as {
      files: { file: string; sha256: string; columns: Record<string, string> }[];
    };
    expect(json.files.map((f) => f.sha256).sort()).toEqual(rows.map((r) => r.sha256).sort());
    expect(json.files[0]!.columns.SKU).toMatch(/^KLN-/);
    const held = Papa.parse<Record<string, string>>(
      entries
        .find((e) => e.name === "held-back.csv")!
        .data.toString("utf8")
        .replace(/^\uFEFF/, ""),
      { header: true, skipEmptyLines: true },
    ).data;
    expect(held.map((h) => h.asset_id).sort()).toEqual([draftAlt, inReview].sort());
    expect(held.find((h) => h.asset_id === draftAlt)!.reasons).toBe("alt text not confirmed by a person");

    const audits = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "export.succeeded"), eq(auditEvents.subjectId, exportId)));
    expect(audits).toHaveLength(1);
    const notes = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, dana.id), eq(notifications.kind, "export.ready")));
    expect(notes[0]!.message).toMatch(/^Your export .* is ready: 12 files/);
  });

  it("a second export of the same assets reuses every rendition (no new cache rows)", async () => {
    const [before] = await database.db.select({ n: count() }).from(renditionCache);
    const again = await createExport({ ctx: ctxFor(database.db, dana), input: request({ assetIds: ok }), send });
    await runJob(again.id);
    const [after] = await database.db.select({ n: count() }).from(renditionCache);
    expect(after!.n).toBe(before!.n);
    const first = await readZipEntries((await zipOf(exportId)).bytes);
    const second = await readZipEntries((await zipOf(again.id)).bytes);
    expect(
      second
        .filter((e) => e.name.includes("/"))
        .map((e) => e.data.toString("base64"))
        .sort(),
    ).toEqual(
      first
        .filter((e) => e.name.includes("/"))
        .map((e) => e.data.toString("base64"))
        .sort(),
    );
  });

  it("includes the approved original at full size when asked", async () => {
    const job = await createExport({
      ctx: ctxFor(database.db, dana),
      input: { selection: { assetIds: [ok[0]] }, placementIds: [], formats: ["avif"], includeOriginal: true },
      send,
    });
    expect(job.filesTotal).toBe(1);
    await runJob(job.id);
    const entries = await readZipEntries((await zipOf(job.id)).bytes);
    const original = entries.find((e) => e.name.startsWith("original/"))!;
    expect(original.name).toMatch(/^original\/trail-shoe-1-[0-9a-f]{8}\.png$/);
    const m = await sharp(original.data).metadata();
    expect([m.format, m.width, m.height, m.exif]).toEqual(["png", 1024, 1024, undefined]);
  });
});

describe("selections", () => {
  it("explicit ids: another designer's asset is dropped, never exported or named", async () => {
    const plan = await planExport({ ctx: ctxFor(database.db, dana), input: request({ assetIds: [ok[0], omars] }) });
    expect(plan.items.map((i) => i.assetId)).toEqual([ok[0]]);
    expect(plan.heldBack).toEqual([]);
    // A reviewer sees every asset.
    const forRita = await planExport({ ctx: ctxFor(database.db, rita), input: request({ assetIds: [ok[0], omars] }) });
    expect(forRita.items.map((i) => i.assetId).sort()).toEqual([ok[0], omars].sort());
  });

  it("a collection the creator may see; another's private board is not found", async () => {
    const board = await createCollection({ ctx: ctxFor(database.db, dana), input: { name: "Picks" } });
    await addToCollection({
      ctx: ctxFor(database.db, dana),
      input: { collectionId: board.id, assetIds: [ok[1], draftAlt] },
    });
    const plan = await planExport({ ctx: ctxFor(database.db, dana), input: request({ collectionId: board.id }) });
    expect(plan.items.map((i) => i.assetId)).toEqual([ok[1]]);
    expect(plan.heldBack.map((h) => h.assetId)).toEqual([draftAlt]);
    expect(plan.label).toBe("Collection: Picks");
    await expect(
      planExport({ ctx: ctxFor(database.db, omar), input: request({ collectionId: board.id }) }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("a batch: the owner's own, or any for a reviewer; another designer's is not found", async () => {
    const plan = await planExport({ ctx: ctxFor(database.db, dana), input: request({ batchId: danaBatchId }) });
    expect(plan.items.map((i) => i.assetId)).toEqual([ok[0]]);
    await expect(
      planExport({ ctx: ctxFor(database.db, omar), input: request({ batchId: danaBatchId }) }),
    ).rejects.toMatchObject({ code: "not_found" });
    const forRita = await planExport({ ctx: ctxFor(database.db, rita), input: request({ batchId: danaBatchId }) });
    expect(forRita.items).toHaveLength(1);
    const [b] = await database.db.select().from(batches).where(eq(batches.id, danaBatchId));
    expect(b).toBeDefined();
  });

  it("refuses what cannot be exported, with messages that say what to change", async () => {
    const ctx = ctxFor(database.db, dana);
    await expect(
      planExport({ ctx, input: { selection: { assetIds: ok }, placementIds: [], formats: ["webp"] } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("at least one placement, or include the approved original"),
    });
    await expect(planExport({ ctx, input: request({ assetIds: ok }, { formats: [] }) })).rejects.toMatchObject({
      message: expect.stringContaining("at least one format"),
    });
    await expect(planExport({ ctx, input: request({ assetIds: ok }, { quality: { webp: 0 } }) })).rejects.toMatchObject(
      { code: "invalid_input" },
    );
    await expect(planExport({ ctx, input: request({ assetIds: ok }, { formats: ["gif"] }) })).rejects.toMatchObject({
      code: "invalid_input",
    });
    // The file cap: assets × placements × formats over the limit is refused whole, never cut.
    await expect(planExport({ ctx, input: request({ assetIds: ok }), fileCap: 11 })).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringMatching(/would hold 12 files \(3 assets × 4 files each\); one export holds at most 11/),
    });
    const [archived] = await database.db
      .insert(placements)
      .values({
        slug: "old-size",
        name: "Old size",
        channel: "custom",
        width: 100,
        height: 100,
        archivedAt: new Date(),
      })
      .returning();
    await expect(
      planExport({ ctx, input: request({ assetIds: ok }, { placementIds: [archived!.id] }) }),
    ).rejects.toMatchObject({ message: expect.stringContaining("archived") });
    // Finance has no exports.
    const fiona = await createUserFactory(database.db, { role: "finance" });
    await expect(
      planExport({ ctx: ctxFor(database.db, fiona), input: request({ assetIds: ok }) }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("downloads and expiry", () => {
  let exportId: string;
  beforeAll(async () => {
    const job = await createExport({ ctx: ctxFor(database.db, dana), input: request({ assetIds: [ok[2]] }), send });
    exportId = job.id;
    await runJob(exportId);
  });

  it("the route streams the ZIP to its creator, audited, as an attachment", async () => {
    const { GET } = await import("@/app/api/exports/[id]/download/route");
    currentCtx = ctxFor(database.db, dana);
    const res = await GET(new Request(`http://localhost:3000/api/exports/${exportId}/download`), {
      params: Promise.resolve({ id: exportId }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="kiln-export-${new Date().toISOString().slice(0, 10)}-${exportId.slice(0, 8)}.zip"`,
    );
    const body = Buffer.from(await res.arrayBuffer());
    expect((await readZipEntries(body)).filter((e) => e.name.includes("/"))).toHaveLength(4);
    const audits = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "export.downloaded"), eq(auditEvents.subjectId, exportId)));
    expect(audits).toHaveLength(1);
  });

  it("someone else gets 404 from the routes; an admin may download", async () => {
    const { GET } = await import("@/app/api/exports/[id]/download/route");
    const progress = await import("@/app/api/exports/[id]/route");
    const params = { params: Promise.resolve({ id: exportId }) };
    currentCtx = ctxFor(database.db, omar);
    expect((await GET(new Request(`http://localhost:3000/api/exports/${exportId}/download`), params)).status).toBe(404);
    expect((await progress.GET(new Request(`http://localhost:3000/api/exports/${exportId}`), params)).status).toBe(404);
    currentCtx = ctxFor(database.db, rita); // a reviewer sees every asset, but not someone else's export
    expect((await GET(new Request(`http://localhost:3000/api/exports/${exportId}/download`), params)).status).toBe(404);
    currentCtx = ctxFor(database.db, ada);
    const res = await GET(new Request(`http://localhost:3000/api/exports/${exportId}/download`), params);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it("the progress route shows files done / total to the creator", async () => {
    const progress = await import("@/app/api/exports/[id]/route");
    currentCtx = ctxFor(database.db, dana);
    const res = await progress.GET(new Request(`http://localhost:3000/api/exports/${exportId}`), {
      params: Promise.resolve({ id: exportId }),
    });
    const { export: view } = (await res.json()) as { export: Awaited<ReturnType<typeof getExport>> };
    expect(view).toMatchObject({ status: "succeeded", filesDone: 4, filesTotal: 4, downloadable: true });
  });

  it("an expired export answers 410 Gone and its ZIP is deleted", async () => {
    const [job] = await database.db
      .update(exportJobs)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(exportJobs.id, exportId))
      .returning();
    const { GET } = await import("@/app/api/exports/[id]/download/route");
    currentCtx = ctxFor(database.db, dana);
    const res = await GET(new Request(`http://localhost:3000/api/exports/${exportId}/download`), {
      params: Promise.resolve({ id: exportId }),
    });
    expect(res.status).toBe(410);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    expect(await store.get(job!.blobKey!)).toBeNull();
    const [after] = await database.db.select().from(exportJobs).where(eq(exportJobs.id, exportId));
    expect(after!.status).toBe("expired");
    const download = await openExportDownload({ ctx: ctxFor(database.db, dana), store, exportId });
    expect(download.kind).toBe("expired");
    expect(await sweepExpiredExports({ db: database.db, store })).toBe(0);
  });

  it("lists my exports only", async () => {
    const list = await import("@/app/api/exports/route");
    currentCtx = ctxFor(database.db, omar);
    const res = await list.GET(new Request("http://localhost:3000/api/exports"), { params: Promise.resolve({}) });
    expect(((await res.json()) as { exports: unknown[] }).exports).toEqual([]);
    currentCtx = ctxFor(database.db, dana);
    const mine = (await (
      await list.GET(new Request("http://localhost:3000/api/exports"), { params: Promise.resolve({}) })
    ).json()) as { exports: { id: string }[] };
    const ids = (
      await database.db
        .select({ id: exportJobs.id })
        .from(exportJobs)
        .where(inArray(exportJobs.createdBy, [dana.id]))
    ).map((r) => r.id);
    expect(mine.exports.map((e) => e.id).sort()).toEqual(ids.sort());
  });
});
