import { readFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { MIGRATIONS_FOLDER } from "@/db/client";
import { assetSearch, assetStars, collectionAssets, collections, teams, users, type User } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { libraryFacets } from "./facets";
import { indexMissingAssets, reindexAllAssets } from "./refresh";
import { queryRows, searchLibrary } from "./search";
import { resolveSelection } from "./selection";
import { createLibraryAsset, createLibraryCatalog, type LibraryCatalog } from "./testing";

type TestCtx = ReturnType<typeof ctxFor>;

let database: Database;
let catalog: LibraryCatalog;
let dana: TestCtx; // designer, team Brand
let dev: TestCtx; // designer, team Growth
let rita: TestCtx; // reviewer
let finn: TestCtx; // finance
let admin: TestCtx;
const ids: Record<string, string> = {};

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await seedCatalog({ db, simulatorUrl: "http://127.0.0.1:9" });
  catalog = await createLibraryCatalog(db);
  const [brand, growth] = await db
    .insert(teams)
    .values([{ name: "Brand" }, { name: "Growth" }])
    .returning();
  const user = async (role: User["role"], name: string, email: string, teamId: string | null = null) => {
    const u = await createUserFactory(db, { role, name, email });
    if (teamId) await db.update(users).set({ teamId }).where(eq(users.id, u.id));
    return ctxFor(db, u);
  };
  dana = await user("designer", "Dana Designer", "dana@example.test", brand!.id);
  dev = await user("designer", "Dev Designer", "dev@example.test", growth!.id);
  rita = await user("reviewer", "Rita Reviewer", "rita@example.test");
  finn = await user("finance", "Finn Finance", "finn@example.test");
  admin = await user("admin", "Ada Admin", "ada@example.test");

  const make = (key: string, o: Parameters<typeof createLibraryAsset>[2]) =>
    createLibraryAsset(db, catalog, o).then((r) => (ids[key] = r.assetId));
  await make("springShoe", {
    ownerId: dana.actor.id,
    campaign: "Spring 26",
    batchName: "Trail shoes CSV",
    prompt: "a trail running shoe on wet granite, morning light",
    values: { product: "Trail runner" },
    carried: { SKU: "KLN-0042", category: "footwear" },
    title: "Trail runner KLN-0042",
    status: "approved",
    createdAt: day("2026-01-10"),
    approvedAt: day("2026-01-12"),
    check: { verdict: "pass" },
    review: { reviewerId: rita.actor.id, decision: "approve", comment: "lovely light" },
    tagNames: ["hero-shot"],
    costMicros: 60_000,
    width: 1344,
    height: 768,
  });
  await make("springBlur", {
    ownerId: dana.actor.id,
    campaign: "Spring 26",
    prompt: "a leather boot on a shelf",
    status: "rejected",
    statusReason: "blur",
    createdAt: day("2026-01-20"),
    check: { verdict: "fail", reasons: ["blur"] },
    costMicros: 20_000,
  });
  await make("summerMug", {
    ownerId: dana.actor.id,
    campaign: "Summer",
    preset: "hero",
    prompt: "a ceramic mug on a wooden table",
    status: "in_review",
    createdAt: day("2026-02-03"),
    check: { verdict: "warn", reasons: ["text_detected"] },
    usageNotes: "licensed reference from Acme stock",
    width: 768,
    height: 1024,
  });
  await make("devRejected", {
    ownerId: dev.actor.id,
    campaign: "Spring 26",
    prompt: "a trail running shoe in the snow",
    status: "rejected",
    statusReason: "off_brand",
    createdAt: day("2026-03-01"),
    review: {
      reviewerId: rita.actor.id,
      decision: "reject",
      reasonCode: "off_brand",
      comment: "colours clash with the palette",
    },
  });
  await make("upload", {
    ownerId: dana.actor.id,
    uploadedFilename: "moodboard-autumn.png",
    status: "approved",
    createdAt: day("2026-03-05"),
    width: 800,
    height: 800,
  });
  await make("rerun", {
    ownerId: dana.actor.id,
    campaign: "Spring 26",
    prompt: "a trail running shoe, rerun",
    createdAt: day("2026-03-06"),
    originAssetId: ids.springShoe,
  });
}, 120_000);

afterAll(async () => {
  await database?.close();
});

const search = (ctx: TestCtx, q: string, extra: Record<string, unknown> = {}) =>
  searchLibrary({ ctx, input: { q, ...extra } });
const found = async (ctx: TestCtx, q: string) => (await search(ctx, q)).items.map((i) => i.id).sort();
const expectIds = (keys: string[]) => keys.map((k) => ids[k]!).sort();

describe("visibility", () => {
  it("shows a designer only their own assets, reviewers and admins every asset", async () => {
    expect(await found(dana, "")).toEqual(expectIds(["springShoe", "springBlur", "summerMug", "upload", "rerun"]));
    expect(await found(dev, "")).toEqual(expectIds(["devRejected"]));
    expect(await found(dev, "trail")).toEqual(expectIds(["devRejected"]));
    expect((await search(rita, "")).total).toBe(6);
    expect((await search(admin, "")).total).toBe(6);
  });

  it("refuses finance (no images) and never counts another designer's assets in facets", async () => {
    await expect(search(finn, "")).rejects.toMatchObject({ code: "forbidden" });
    await expect(libraryFacets({ ctx: finn, input: { q: "" } })).rejects.toMatchObject({ code: "forbidden" });
    const facets = await libraryFacets({ ctx: dev, input: { q: "" } });
    expect(facets.designer.map((b) => b.label)).toEqual(["Dev Designer"]);
    expect(facets.status).toEqual([{ value: "rejected", label: "Rejected", count: 1, token: "status:rejected" }]);
  });

  it("drops invisible ids from a selection", async () => {
    const selected = await resolveSelection({ ctx: dev, selection: { assetIds: [ids.springShoe!, ids.devRejected!] } });
    expect(selected).toEqual([ids.devRejected]);
    expect(await resolveSelection({ ctx: dana, selection: { query: 'campaign:"spring 26"' } })).toHaveLength(3);
  });
});

describe("full text", () => {
  it("finds prompt words, template values, CSV carried columns and titles", async () => {
    expect(await found(dana, "granite")).toEqual(expectIds(["springShoe"]));
    expect(await found(dana, "Trail runner")).toEqual(expectIds(["springShoe"]));
    expect(await found(dana, "sku KLN-0042")).toEqual(expectIds(["springShoe"]));
    expect(await found(dana, "footwear")).toEqual(expectIds(["springShoe"]));
    expect(await found(dana, "moodboard")).toEqual(expectIds(["upload"]));
    expect(await found(dana, "0042")).toEqual(expectIds(["springShoe"]));
  });

  it("finds review comments and reasons, usage notes, check reasons; phrases, prefixes and negation", async () => {
    expect(await found(rita, "palette")).toEqual(expectIds(["devRejected"]));
    expect(await found(rita, "brand")).toEqual(expectIds(["devRejected"]));
    expect(await found(dana, "acme")).toEqual(expectIds(["summerMug"]));
    expect(await found(dana, "blur")).toEqual(expectIds(["springBlur"]));
    expect(await found(rita, '"trail running shoe"')).toEqual(expectIds(["springShoe", "devRejected", "rerun"]));
    expect(await found(rita, "gran*")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "trail -snow -rerun")).toEqual(expectIds(["springShoe"]));
    // Stop words alone do not empty the result.
    expect(await found(dana, "the")).toHaveLength(5);
  });

  it("finds fragments of a SKU, title, batch name or filename through the trigram index, any case", async () => {
    // Full-text tokens cannot: "KLN-004" is no prefix of a lexeme of "KLN-0042".
    expect(await found(rita, "KLN-004")).toEqual([]);
    expect(await found(rita, "KLN-004*")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "*0042")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "kln*04*")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "*OTWEA*")).toEqual(expectIds(["springShoe"])); // carried column "category: footwear"
    expect(await found(rita, "*shoes*")).toEqual(expectIds(["springShoe"])); // batch "Trail shoes CSV", not the prompts' "shoe"
    expect(await found(rita, "*board-aut*")).toEqual(expectIds(["upload"]));
    expect(await found(rita, "*0043")).toEqual([]);
    // LIKE's own wildcards are literal characters in a fragment.
    expect(await found(rita, "*KLN_00*")).toEqual([]);
    expect(await found(rita, "-*0042 status:approved")).toEqual(expectIds(["upload"]));
    // With the rest of the grammar, and under the visibility rule.
    expect(await found(rita, '*0042 campaign:"spring 26" status:approved')).toEqual(expectIds(["springShoe"]));
    expect(await found(dev, "*0042")).toEqual([]);
    await expect(search(rita, "*42")).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("at least 3 characters"),
    });
  });

  it("ranks by relevance when asked", async () => {
    const page = await search(rita, "trail shoe", { sort: "relevance" });
    expect(page.items.map((i) => i.id)).toHaveLength(3);
  });
});

describe("fields", () => {
  it("narrows by each facet field", async () => {
    expect(await found(rita, "status:approved")).toEqual(expectIds(["springShoe", "upload"]));
    expect(await found(rita, "status:approved,in_review")).toEqual(
      expectIds(["springShoe", "upload", "summerMug", "rerun"]),
    );
    expect(await found(rita, "-status:rejected source:generated")).toEqual(
      expectIds(["springShoe", "summerMug", "rerun"]),
    );
    expect(await found(rita, "tier:hero")).toEqual(expectIds(["summerMug"]));
    expect(await found(rita, 'campaign:"spring 26"')).toEqual(
      expectIds(["springShoe", "springBlur", "devRejected", "rerun"]),
    );
    expect(await found(rita, 'batch:"Trail shoes CSV"')).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "lora:style_lora_v2 status:approved")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "lora:nope")).toEqual([]);
    expect(await found(rita, "model:flux*")).toEqual(expectIds(["summerMug"]));
    expect(await found(rita, 'model:sdxl-base-1.0 -campaign:"spring 26"')).toEqual([]);
    expect(await found(rita, "source:uploaded")).toEqual(expectIds(["upload"]));
    expect(await found(rita, "designer:dev@example.test")).toEqual(expectIds(["devRejected"]));
    expect(await found(dana, "designer:me")).toHaveLength(5);
    expect(await found(rita, "team:growth")).toEqual(expectIds(["devRejected"]));
    expect(await found(rita, "reviewer:rita@example.test")).toEqual(expectIds(["springShoe", "devRejected"]));
    expect(await found(rita, "reviewer:me")).toEqual(expectIds(["springShoe", "devRejected"]));
    expect(await found(rita, "check:fail")).toEqual(expectIds(["springBlur"]));
    expect(await found(rita, "reason:text_detected")).toEqual(expectIds(["summerMug"]));
    expect(await found(rita, "rejected:blur")).toEqual(expectIds(["springBlur"]));
    expect(await found(rita, "rejected:off_brand")).toEqual(expectIds(["devRejected"]));
    expect(await found(rita, "tag:hero-shot")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "origin:" + ids.springShoe)).toEqual(expectIds(["rerun"]));
    expect(await found(rita, "preset:" + "LoRA look " + "x")).toEqual([]);
  });

  it("filters by preset and template (slug, name, @version), provider", async () => {
    const [pv] = await queryRows<{ slug: string }>(
      database.db,
      sql`select p.slug from presets p where p.id = ${catalog.heroPreset.id}`,
    );
    expect(await found(rita, `preset:${pv!.slug}`)).toEqual(expectIds(["summerMug"]));
    expect(await found(rita, `preset:${pv!.slug}@1`)).toEqual(expectIds(["summerMug"]));
    expect(await found(rita, `preset:${pv!.slug}@2`)).toEqual([]);
    expect((await found(rita, "provider:" + catalog.providerId)).length).toBe(5);
    const facets = await libraryFacets({ ctx: rita, input: { q: "" } });
    const tpl = facets.template[0]!;
    expect(tpl.count).toBe(5);
    expect(await found(rita, tpl.token)).toHaveLength(5);
  });

  it("filters by dates, cost, size and aspect", async () => {
    expect(await found(rita, "created:2026-01")).toEqual(expectIds(["springShoe", "springBlur"]));
    expect(await found(rita, "created:2026-01-10")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "created:2026-02..2026-03")).toEqual(
      expectIds(["summerMug", "devRejected", "upload", "rerun"]),
    );
    expect(await found(rita, "created:>2026-03-01")).toEqual(expectIds(["upload", "rerun"]));
    expect(await found(rita, "approved:2026-01")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "cost:>0.05")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "cost:0.01..0.02")).toEqual(expectIds(["springBlur"]));
    expect(await found(rita, "size:>=1344")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "aspect:16:9")).toEqual(expectIds(["springShoe"]));
    expect(await found(rita, "aspect:portrait")).toEqual(expectIds(["summerMug"]));
    expect(await found(rita, "aspect:square source:uploaded")).toEqual(expectIds(["upload"]));
  });

  it("is:starred and in:<collection> follow the actor's stars and the collection", async () => {
    const db = database.db;
    await db.insert(assetStars).values({ userId: dana.actor.id, assetId: ids.summerMug! });
    const [board] = await db.insert(collections).values({ name: "Board", ownerId: dana.actor.id }).returning();
    await db.insert(collectionAssets).values([{ collectionId: board!.id, assetId: ids.springShoe! }]);
    expect(await found(dana, "is:starred")).toEqual(expectIds(["summerMug"]));
    expect(await found(rita, "is:starred")).toEqual([]);
    expect(await found(dana, `in:${board!.id}`)).toEqual(expectIds(["springShoe"]));
    const page = await search(dana, "is:starred");
    expect(page.items[0]!.starred).toBe(true);
  });

  it("turns grammar mistakes into invalid_input with the position", async () => {
    await expect(search(rita, "colour:red")).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("Unknown field “colour”"),
    });
    await expect(search(rita, "created:2026-13")).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("column 9"),
    });
  });
});

describe("items and pages", () => {
  it("returns the page items with thumbnails, owner names, tags and cost", async () => {
    const page = await search(rita, "KLN-0042");
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      id: ids.springShoe,
      title: "Trail runner KLN-0042",
      status: "approved",
      tier: "support",
      source: "generated",
      campaign: "Spring 26",
      ownerName: "Dana Designer",
      createdAt: "2026-01-10T12:00:00.000Z",
      approvedAt: "2026-01-12T12:00:00.000Z",
      width: 1344,
      height: 768,
      tags: ["hero-shot"],
      costMicros: 60_000,
      statusReason: null,
      // The carried CSV columns, for the lightbox and the list.
      metadata: { SKU: "KLN-0042", category: "footwear" },
    });
    expect(page.items[0]!.thumbUrl).toMatch(/^\/api\/blobs\/generations\/[0-9a-f-]+\/thumb\.webp$/);
    const upload = (await search(rita, "source:uploaded")).items[0]!;
    expect(upload).toMatchObject({
      title: "moodboard-autumn.png",
      source: "uploaded",
      tier: null,
      costMicros: 0,
      metadata: {},
    });
  });

  it("pages with a keyset cursor: no duplicates, no gaps, in every sort", async () => {
    // Ten more assets with the same created_at (microsecond ties are broken by id).
    const same = new Date("2026-04-01T00:00:00.123Z");
    for (let i = 0; i < 10; i++)
      await createLibraryAsset(database.db, catalog, {
        ownerId: dev.actor.id,
        createdAt: same,
        prompt: `page filler ${i}`,
        costMicros: (i % 3) * 1000,
      });
    for (const sort of ["newest", "oldest", "cost", "relevance"] as const) {
      const q = sort === "relevance" ? "page filler" : "";
      const all = (await search(rita, q, { sort, limit: 200 })).items.map((i) => i.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const page = await search(rita, q, { sort, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => i.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen, sort).toEqual(all);
      expect(new Set(seen).size, sort).toBe(seen.length);
    }
    const newest = (await search(rita, "", { limit: 200 })).items.map((i) => i.createdAt);
    expect([...newest].sort().reverse()).toEqual(newest);
  });

  it("refuses a cursor from another sort or a forged one", async () => {
    const page = await search(rita, "", { limit: 2 });
    await expect(search(rita, "", { sort: "oldest", cursor: page.nextCursor })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(search(rita, "", { cursor: "bm90IGpzb24" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(search(rita, "", { limit: 500 })).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("facets", () => {
  it("counts each facet for the same query, with names and tokens", async () => {
    const f = await libraryFacets({ ctx: rita, input: { q: 'campaign:"Spring 26"' } });
    expect(f.status).toEqual(
      expect.arrayContaining([
        { value: "rejected", label: "Rejected", count: 2, token: "status:rejected" },
        { value: "approved", label: "Approved", count: 1, token: "status:approved" },
      ]),
    );
    expect(f.campaign).toEqual([{ value: "Spring 26", label: "Spring 26", count: 4, token: 'campaign:"Spring 26"' }]);
    expect(f.designer).toEqual([
      { value: "dana@example.test", label: "Dana Designer", count: 3, token: "designer:dana@example.test" },
      { value: "dev@example.test", label: "Dev Designer", count: 1, token: "designer:dev@example.test" },
    ]);
    expect(f.lora.map((b) => [b.value, b.count])).toEqual([
      ["grain_lora", 4],
      ["style_lora_v2", 4],
    ]);
    expect(f.reason.find((b) => b.value === "off_brand")).toMatchObject({ count: 1 });
    expect(f.reviewer).toEqual([
      { value: "rita@example.test", label: "Rita Reviewer", count: 2, token: "reviewer:rita@example.test" },
    ]);
    expect(f.team.map((b) => b.label).sort()).toEqual(["Brand", "Growth"]);
    expect(f.created.map((b) => b.value)).toEqual(expect.arrayContaining(["2026-01", "2026-03"]));
    expect(f.tag).toEqual([{ value: "hero-shot", label: "hero-shot", count: 1, token: "tag:hero-shot" }]);
    // Every token narrows the query to its count.
    for (const bucket of [
      ...f.status,
      ...f.designer,
      ...f.lora,
      ...f.reason,
      ...f.created,
      ...f.preset,
      ...f.provider,
      ...f.check,
      ...f.batch,
    ]) {
      const page = await search(rita, `campaign:"Spring 26" ${bucket.token}`);
      expect(page.total, bucket.token).toBe(bucket.count);
    }
  });
  it("counts aspect ratios, sizes and preset/template versions in the same pass; each bucket's term finds its count", async () => {
    const q = 'campaign:"Spring 26"';
    const f = await libraryFacets({ ctx: rita, input: { q } });
    // 1344×768 is 16:9 within 2 %; the default 1024×1024 is 1:1. Listed in the facet's fixed order, not by count.
    expect(f.aspect).toEqual([
      { value: "1:1", label: "1:1 square", count: 3, token: "aspect:1:1" },
      { value: "16:9", label: "16:9 wide", count: 1, token: "aspect:16:9" },
    ]);
    expect(f.size).toEqual([{ value: "1024..1535", label: "1,024–1,535 px", count: 4, token: "size:1024..1535" }]);
    const [lora] = await queryRows<{ slug: string }>(
      database.db,
      sql`select p.slug from presets p where p.id = ${catalog.loraPreset.id}`,
    );
    const preset = f.preset.find((b) => b.value === lora!.slug)!;
    expect(preset.versions).toEqual([
      { value: `${lora!.slug}@1`, label: "v1", count: 4, token: `preset:${lora!.slug}@1` },
    ]);
    expect(f.template[0]!.versions?.map((v) => [v.label, v.count])).toEqual([["v1", 4]]);
    const versions = [...f.preset, ...f.template].flatMap((b) => b.versions ?? []);
    for (const bucket of [...f.aspect, ...f.size, ...versions])
      expect((await search(rita, `${q} ${bucket.token}`)).total, bucket.token).toBe(bucket.count);
    // "other" is what no counted ratio covers: nothing here, everything when negated.
    expect((await search(rita, `${q} aspect:other`)).total).toBe(0);
    expect((await search(rita, `${q} -aspect:other`)).total).toBe(4);

    // Across the whole library the size buckets read smallest first: the upload (800×800) before the rest (the summer mug's 768×1024 is 1,024 on its longer side).
    const all = await libraryFacets({ ctx: rita, input: { q: "" } });
    expect(all.size.map((b) => b.value)).toEqual(["768..1023", "1024..1535"]);
    expect(all.size[0]!.count).toBeLessThan(all.size[1]!.count);
    expect(all.aspect.map((b) => b.value)).toEqual(["1:1", "3:4", "16:9"]);
  });
});

describe("indexing", () => {
  it("backfills assets missing from asset_search and rebuilds all rows", async () => {
    const db = database.db;
    await db.delete(assetSearch).where(eq(assetSearch.assetId, ids.springShoe!));
    expect(await found(rita, "granite")).toEqual([]);
    expect(await indexMissingAssets(db)).toBe(1);
    expect(await indexMissingAssets(db)).toBe(0);
    expect(await found(rita, "granite")).toEqual(expectIds(["springShoe"]));
    expect(await reindexAllAssets(db)).toBe(16);
  });

  it("migration 0016 backfills existing rows' identity text as refresh writes it", async () => {
    const db = database.db;
    const written = await queryRows<{ asset_id: string; identity: string }>(
      db,
      sql`select asset_id, identity from asset_search order by asset_id`,
    );
    expect(written.find((r) => r.asset_id === ids.springShoe)!.identity).toBe(
      "Trail runner KLN-0042 KLN-0042 footwear Trail shoes CSV",
    );
    expect(written.find((r) => r.asset_id === ids.upload)!.identity).toBe("moodboard-autumn.png moodboard-autumn.png");
    // The migration's UPDATE, run again over rows that lost the text (as rows made before 0016 have none).
    const migration = readFileSync(path.join(MIGRATIONS_FOLDER, "0016_library_trigram.sql"), "utf8");
    const backfill = migration
      .split("--> statement-breakpoint")
      .find((part) => part.includes('UPDATE "asset_search"'))!;
    await db.execute(sql`update asset_search set identity = ''`);
    await db.execute(sql.raw(backfill));
    expect(await queryRows(db, sql`select asset_id, identity from asset_search order by asset_id`)).toEqual(written);
    expect(await found(rita, "*0042")).toEqual(expectIds(["springShoe"]));
  });
});
