import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assetTags, auditEvents, tags } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { createUserFactory, ctxFor } from "@/test/factories";
import {
  createCuratedTag,
  deleteTag,
  listTagsForAdmin,
  normaliseTagName,
  renameTag,
  setTagCurated,
  suggestTags,
  tagAssets,
  tagNameSchema,
  tagsOfAsset,
  untagAssets,
} from ".";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let dana: TestCtx;
let gus: TestCtx;
let rita: TestCtx;
let ada: TestCtx;
let finn: TestCtx;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: "designer" | "reviewer" | "admin" | "finance") =>
    ctxFor(database.db, await createUserFactory(database.db, { role }));
  dana = await user("designer");
  gus = await user("designer");
  rita = await user("reviewer");
  ada = await user("admin");
  finn = await user("finance");
}, 60_000);
afterAll(() => database.close());

const asset = async (owner: TestCtx) => (await createAssetInReview(database.db, { ownerId: owner.actor.id })).asset.id;
const names = async (assetId: string) => (await tagsOfAsset(database.db, assetId)).map((t) => t.name);

async function expectCode(p: Promise<unknown>, code: string) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

describe("tag names", () => {
  it("are trimmed, lower-cased, spaces as one hyphen, 1–40 of [a-z0-9-_]", () => {
    expect(normaliseTagName("  Spring Hero  ")).toBe("spring-hero");
    expect(normaliseTagName("A \t B")).toBe("a-b");
    expect(tagNameSchema.parse("Q1_2026")).toBe("q1_2026");
    expect(tagNameSchema.parse("x".repeat(40))).toHaveLength(40);
    for (const bad of ["", "   ", "x".repeat(41), "café", "a/b", "#hero", "émoji🙂"])
      expect(tagNameSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe("tagging assets", () => {
  it("tags what the actor may act on, skips the rest with a reason, and is idempotent", async () => {
    const mine = await asset(dana);
    const theirs = await asset(gus);
    const out = await tagAssets({
      ctx: dana,
      input: { assetIds: [mine, theirs], tags: ["Spring Hero", "spring-hero", "mugs"] },
    });
    expect(out).toEqual({
      affected: 1,
      skipped: [{ assetId: theirs, reason: "not_found" }],
      tags: ["spring-hero", "mugs"],
    });
    expect(await names(mine)).toEqual(["mugs", "spring-hero"]);
    expect(await names(theirs)).toEqual([]);
    await tagAssets({ ctx: dana, input: { assetIds: [mine], tags: ["mugs"] } });
    expect(await names(mine)).toEqual(["mugs", "spring-hero"]);
    // Reviewers and admins act on every asset; finance does not tag at all.
    expect((await tagAssets({ ctx: rita, input: { assetIds: [theirs], tags: ["legal-ok"] } })).affected).toBe(1);
    await expectCode(tagAssets({ ctx: finn, input: { assetIds: [mine], tags: ["x"] } }), "forbidden");
    await expectCode(tagAssets({ ctx: dana, input: { assetIds: [mine], tags: ["no/slash"] } }), "invalid_input");
    await expectCode(tagAssets({ ctx: dana, input: { assetIds: [], tags: ["x"] } }), "invalid_input");

    expect((await untagAssets({ ctx: dana, input: { assetIds: [mine], tags: ["MUGS", "never-used"] } })).affected).toBe(
      1,
    );
    expect(await names(mine)).toEqual(["spring-hero"]);
    // The tag itself stays for others to use.
    expect((await database.db.select().from(tags).where(eq(tags.name, "mugs"))).length).toBe(1);
  });

  it("writes one audit row per change naming the assets and tags", async () => {
    const a = await asset(dana);
    const b = await asset(dana);
    await tagAssets({ ctx: dana, input: { assetIds: [a], tags: ["single"] } });
    await tagAssets({ ctx: dana, input: { assetIds: [a, b], tags: ["pair"] } });
    await untagAssets({ ctx: dana, input: { assetIds: [a], tags: ["single"] } });
    const single = await database.db
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, "asset"), eq(auditEvents.subjectId, a)))
      .orderBy(auditEvents.seq);
    expect(single.map((r) => r.action)).toEqual(["asset.tagged", "asset.untagged"]);
    expect(single[0]!.data).toEqual({ tags: ["single"], assetIds: [a], changed: 1 });
    const rows = await database.db
      .select({ data: auditEvents.data, subjectId: auditEvents.subjectId })
      .from(auditEvents)
      .where(eq(auditEvents.action, "asset.tagged"));
    const bulk = rows.find((r) => (r.data as { tags: string[] }).tags[0] === "pair")!;
    expect(bulk.subjectId).toBeNull();
    expect(bulk.data).toEqual({ tags: ["pair"], assetIds: [a, b], changed: 2 });
  });
});

describe("curated tags", () => {
  it("are suggested first, then free tags by use, filtered by a normalised prefix", async () => {
    const a = await asset(dana);
    const b = await asset(dana);
    await tagAssets({ ctx: dana, input: { assetIds: [a, b], tags: ["season-busy"] } });
    await tagAssets({ ctx: dana, input: { assetIds: [a], tags: ["season-calm"] } });
    await createCuratedTag({ ctx: ada, input: { name: "Season Official" } });
    const got = await suggestTags({ ctx: dana, input: { prefix: "Season " } });
    expect(got).toEqual([
      { name: "season-official", curated: true, uses: 0 },
      { name: "season-busy", curated: false, uses: 2 },
      { name: "season-calm", curated: false, uses: 1 },
    ]);
    // "_" and "%" are literal in a prefix, not patterns.
    expect(await suggestTags({ ctx: dana, input: { prefix: "s_a" } })).toEqual([]);
    await expectCode(suggestTags({ ctx: finn, input: {} }), "forbidden");
  });

  it("are created, renamed, promoted and deleted by admins only, audited", async () => {
    const a = await asset(dana);
    await tagAssets({ ctx: dana, input: { assetIds: [a], tags: ["promo"] } });
    await expectCode(createCuratedTag({ ctx: dana, input: { name: "brand" } }), "forbidden");
    await expectCode(listTagsForAdmin({ ctx: rita }), "forbidden");
    // Curating an existing free tag promotes it; its assets keep it.
    const promo = await createCuratedTag({ ctx: ada, input: { name: "PROMO" } });
    expect(promo.curated).toBe(true);
    await expectCode(createCuratedTag({ ctx: ada, input: { name: "promo" } }), "conflict");
    const brand = await createCuratedTag({ ctx: ada, input: { name: "brand" } });
    await expectCode(renameTag({ ctx: ada, input: { tagId: brand.id, name: "promo" } }), "conflict");
    await renameTag({ ctx: ada, input: { tagId: promo.id, name: "Promo 2026" } });
    expect(await names(a)).toEqual(["promo-2026"]);
    expect((await listTagsForAdmin({ ctx: ada })).find((t) => t.id === promo.id)).toMatchObject({
      name: "promo-2026",
      curated: true,
      uses: 1,
    });
    await setTagCurated({ ctx: ada, input: { tagId: brand.id, curated: false } });
    expect(await deleteTag({ ctx: ada, input: { tagId: promo.id } })).toEqual({ removedFrom: 1 });
    expect(await names(a)).toEqual([]);
    expect(await database.db.select().from(assetTags).where(eq(assetTags.tagId, promo.id))).toEqual([]);
    await expectCode(deleteTag({ ctx: ada, input: { tagId: promo.id } }), "not_found");
    const trail = await database.db
      .select({ action: auditEvents.action, subjectId: auditEvents.subjectId })
      .from(auditEvents)
      .where(eq(auditEvents.subjectType, "tag"))
      .orderBy(auditEvents.seq);
    expect(trail.filter((r) => r.subjectId === promo.id).map((r) => r.action)).toEqual([
      "tag.curation_changed",
      "tag.renamed",
      "tag.deleted",
    ]);
    expect(trail.filter((r) => r.subjectId === brand.id).map((r) => r.action)).toEqual([
      "tag.created",
      "tag.curation_changed",
    ]);
  });
});
