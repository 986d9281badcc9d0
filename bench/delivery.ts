/**
 * bench:delivery — what the export job costs over the bare image work it does.
 *
 * Seeds a fresh database (PGlite in a data folder, as `npm start` keeps it, or a throw-away database
 * on DATABASE_URL) and a local blob store with N approved 1024² assets of varied content (gradients, shapes, noise; confirmed alt
 * text, carried SKU), then, in the same process:
 *   baseline  the same renditions made by bare sharp in a plain loop: for each asset (bytes already in
 *             memory) × placement × format, extract (the centred crop) + resize + encode with the same
 *             quality and AVIF effort as lib/delivery/render.ts, keeping nothing — with as many
 *             assets at once as the export renders (ASSET_PARALLELISM), so both sides get the same
 *             parallelism and the ratio is the export's own overhead
 *   export    the real export path: createExport (lib/exports: validation, selection resolved with the
 *             designer's visibility, held-back check, audit) and then exactly the steps the Inngest
 *             function delivery-build-export runs, in its order (startExport, renderExportChunk per
 *             chunk, writeExportZip, finishExport), called directly rather than through the embedded
 *             runner's HTTP round trips. It reads sources from the blob store, finds attention focal
 *             points, writes XMP, signs a C2PA credential, stores each rendition and its cache row,
 *             and streams the ZIP (all of that counts as overhead against the bare encode).
 * While the export runs, RSS is sampled every 25 ms (peak_mb). The process runs with `npm start`'s
 * allocator settings (MALLOC_ARENA_MAX=2, scripts/allocator.ts) and its database opened as
 * `npm start` opens it (db/embedded.ts). The ZIP is opened afterwards to check
 * it holds every file.
 *
 * Placements (default six): Meta feed 1:1 and link 1.91:1, Google 300×250, 728×90, 300×600 and
 * 1200×628. The 9:16 story sizes are left out of the default so the run stays within five minutes on
 * two cores (AVIF of a 1080×1920 takes seconds); pass --placements to choose others.
 *
 * Usage: tsx bench/delivery.ts [--assets 100] [--placements slug,slug,…]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
// A deterministic pseudo-random stream (the simulator's mulberry32), so every run is the same.
import { prng as rng } from "../simulator/hash";

// Measure the process as `npm start` runs it: with its allocator settings (scripts/allocator.ts),
// which only take effect when the process starts, so the bench re-runs itself with them.
if (!process.env.MALLOC_ARENA_MAX) {
  const { spawnSync } = await import("node:child_process");
  const { withAllocatorDefaults } = await import("../scripts/allocator");
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: withAllocatorDefaults(process.env),
  });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: { assets: { type: "string" }, placements: { type: "string" } },
  strict: true,
});
const N = Number(args.assets ?? 100);
const SLUGS = (
  args.placements ??
  "meta-feed-square,meta-link,google-medium-rectangle,google-leaderboard,google-half-page,google-landscape"
).split(",");
const FORMATS = ["webp", "avif"] as const;
const QUALITY = { webp: 82, avif: 60 };

const sharp = (await import("sharp")).default;
const { eq, inArray } = await import("drizzle-orm");
const { createTestDatabase } = await import("../db/testing");
const { openEmbeddedDatabase } = await import("../db/embedded");
const schema = await import("../db/schema");
const { seedCatalog } = await import("../lib/catalog/seed-catalog");
const { createLibraryAsset, createLibraryCatalog } = await import("../lib/library/testing");
const { refreshAssetSearch } = await import("../lib/library/refresh");
const { LocalBlobStore } = await import("../lib/storage/local-driver");
const { createUserFactory, ctxFor } = await import("../test/factories");
const { createExport } = await import("../lib/exports/create-export");
const { ASSET_PARALLELISM, startExport, renderExportChunk, writeExportZip, finishExport } =
  await import("../lib/exports/build");
const { readZipEntries } = await import("../lib/exports/read-zip");
const { readAll } = await import("../lib/images/renditions");
const { cropBox } = await import("../lib/delivery/crop");

/** A 1024² picture: a two-colour gradient, a few shapes and some grain, different per seed (so encoders work as on real images). */
async function picture(seed: number): Promise<Buffer> {
  const r = rng(seed);
  const c = () => `hsl(${Math.floor(r() * 360)},${40 + Math.floor(r() * 50)}%,${30 + Math.floor(r() * 40)}%)`;
  const shapes = Array.from({ length: 6 }, () =>
    r() < 0.5
      ? `<circle cx="${Math.floor(r() * 1024)}" cy="${Math.floor(r() * 1024)}" r="${60 + Math.floor(r() * 220)}" fill="${c()}" opacity="0.85"/>`
      : `<rect x="${Math.floor(r() * 900)}" y="${Math.floor(r() * 900)}" width="${80 + Math.floor(r() * 300)}" height="${80 + Math.floor(r() * 300)}" fill="${c()}" transform="rotate(${Math.floor(r() * 60)} 512 512)"/>`,
  ).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${c()}"/><stop offset="1" stop-color="${c()}"/></linearGradient></defs><rect width="1024" height="1024" fill="url(#g)"/>${shapes}</svg>`;
  const noise = Buffer.alloc(256 * 256 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(r() * 255);
  const grain = await sharp(noise, { raw: { width: 256, height: 256, channels: 3 } })
    .resize(1024, 1024)
    .png()
    .toBuffer();
  return sharp(Buffer.from(svg))
    .composite([{ input: grain, blend: "soft-light" }])
    .png()
    .toBuffer();
}

const mb = (bytes: number) => bytes / 1024 / 1024;

const dir = mkdtempSync(path.join(tmpdir(), "kiln-bench-delivery-"));
// The database as `npm start` opens it: PGlite in a data folder (or a throw-away PostgreSQL database
// on DATABASE_URL). Not in-memory PGlite: that keeps the whole cluster and initdb's memory in RSS.
const database = process.env.DATABASE_URL
  ? await createTestDatabase()
  : await openEmbeddedDatabase(path.join(dir, "pglite"));
const db = database.db;
const store = new LocalBlobStore(path.join(dir, "blobs"));
try {
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  const catalog = await createLibraryCatalog(db);
  const designer = await createUserFactory(db, { role: "designer" });
  const chosen = await db.select().from(schema.placements).where(inArray(schema.placements.slug, SLUGS));
  if (chosen.length !== SLUGS.length) throw new Error(`Unknown placement among ${SLUGS.join(", ")}`);

  process.stdout.write(`seeding ${N} approved 1024² assets… `);
  const t0 = performance.now();
  // The pictures are not kept here while the export runs (they would count in its RSS): the
  // baseline reads them back from the store into memory after the export, before its clock starts.
  const sourceKeys: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const { assetId, versionId } = await createLibraryAsset(db, catalog, {
      ownerId: designer.id,
      status: "approved",
      campaign: "Bench launch",
      title: `Bench product ${i + 1}`,
      carried: { SKU: `BEN-${String(i + 1).padStart(4, "0")}` },
    });
    const [v] = await db.select().from(schema.assetVersions).where(eq(schema.assetVersions.id, versionId));
    const bytes = await picture(i + 1);
    await store.put(v!.blobKey, bytes, { contentType: "image/png" });
    await db
      .update(schema.assets)
      .set({
        title: `Bench product ${i + 1}`,
        altText: `Bench product ${i + 1} on a coloured backdrop`,
        altTextStatus: "confirmed",
        approvalId: `apr_bench_${i + 1}`,
      })
      .where(eq(schema.assets.id, assetId));
    sourceKeys.push(v!.blobKey);
    ids.push(assetId);
  }
  await refreshAssetSearch(db, ids);
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Warm both paths once (sharp's first call loads codecs).
  const warm = await readAll((await store.get(sourceKeys[0]!))!.body);
  await sharp(warm).resize(64, 64).avif({ quality: 60, effort: 3 }).toBuffer();
  await sharp(warm).resize(64, 64).webp({ quality: 82 }).toBuffer();

  // The export first, so its peak RSS is its own (RSS never shrinks back after the baseline's work).
  // The export job: lib create, then the function's steps in its order.
  process.stdout.write("export job: create, render chunks, stream the ZIP, finish… ");
  let peak = process.memoryUsage().rss;
  const rssBefore = peak; // the process before the export: the database open, the assets seeded, sharp loaded
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  const e0 = performance.now();
  const job = await createExport({
    ctx: ctxFor(db, designer),
    input: {
      selection: { query: 'campaign:"Bench launch"' },
      placementIds: chosen.map((p) => p.id),
      formats: [...FORMATS],
      quality: QUALITY,
    },
    send: async () => {},
  });
  const deps = { db, store };
  const plan = await startExport(deps, job.id);
  for (const chunk of plan!.chunks) await renderExportChunk(deps, job.id, chunk);
  const zip = await writeExportZip(deps, job.id);
  const done = await finishExport(deps, job.id, zip);
  const exportS = (performance.now() - e0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`${exportS.toFixed(1)} s`);

  // Baseline: bare sharp, one loop, same crops' geometry (centred), sizes, formats and settings.
  process.stdout.write(`baseline: ${N * chosen.length * FORMATS.length} renditions by bare sharp… `);
  const sources: { bytes: Buffer; width: number; height: number }[] = [];
  for (const key of sourceKeys)
    sources.push({ bytes: await readAll((await store.get(key))!.body), width: 1024, height: 1024 });
  let baselineBytes = 0;
  const b0 = performance.now();
  // As many assets at once as the export job renders (ASSET_PARALLELISM), so the ratio compares the
  // same parallelism: each worker is one plain loop over its assets.
  let nextSource = 0;
  const baselineWorker = async () => {
    for (let i = nextSource++; i < sources.length; i = nextSource++) {
      const src = sources[i]!;
      for (const p of chosen) {
        const crop = cropBox(
          { width: src.width, height: src.height },
          { width: p.width, height: p.height },
          { x: 0.5, y: 0.5 },
        );
        for (const f of FORMATS) {
          let img = sharp(src.bytes)
            .rotate()
            .extract(crop)
            .resize({ width: p.width, height: p.height, fit: "fill", kernel: "lanczos3" });
          img = f === "webp" ? img.webp({ quality: QUALITY.webp }) : img.avif({ quality: QUALITY.avif, effort: 3 });
          const encoded = await img.toBuffer();
          baselineBytes += encoded.length; // read after the await: `x += await …` would lose the other worker's additions
        }
      }
    }
  };
  await Promise.all(Array.from({ length: ASSET_PARALLELISM }, baselineWorker));
  const baselineS = (performance.now() - b0) / 1000;
  console.log(`${baselineS.toFixed(1)} s`);

  const blob = await store.get(zip.blobKey);
  const entries = await readZipEntries(await readAll(blob!.body));
  const files = entries.filter((e) => e.name.includes("/")).length;
  if (done.status !== "succeeded" || files !== N * chosen.length * FORMATS.length || job.heldBack.length !== 0) {
    throw new Error(`The export is wrong: status ${done.status}, ${files} files, ${job.heldBack.length} held back`);
  }

  const ratio = exportS / baselineS;
  const peakMb = mb(peak);
  console.log("");
  console.log("| what                         | value |");
  console.log("|------------------------------|-------|");
  console.log(`| assets × placements × formats | ${N} × ${chosen.length} × ${FORMATS.length} = ${files} files |`);
  console.log(`| placements                   | ${chosen.map((p) => `${p.slug} ${p.width}×${p.height}`).join(", ")} |`);
  console.log(
    `| baseline (bare sharp)        | ${baselineS.toFixed(1)} s, ${mb(baselineBytes).toFixed(1)} MB encoded |`,
  );
  console.log(
    `| export job                   | ${exportS.toFixed(1)} s, ZIP ${mb(zip.bytes).toFixed(1)} MB, ${plan!.chunks.length} render steps |`,
  );
  console.log(`| overhead ratio (target ≤ 1.3) | ${ratio.toFixed(2)} |`);
  console.log(
    `| peak RSS during export (< 1024 MB) | ${peakMb.toFixed(0)} MB (the process held ${mb(rssBefore).toFixed(0)} MB before it started) |`,
  );
  console.log("");
  console.log(
    `export_s=${exportS.toFixed(1)} baseline_s=${baselineS.toFixed(1)} overhead_ratio=${ratio.toFixed(2)} peak_mb=${peakMb.toFixed(0)} rss_before_mb=${mb(rssBefore).toFixed(0)} files=${files} zip_mb=${mb(zip.bytes).toFixed(1)}`,
  );
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
