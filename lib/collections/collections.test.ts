import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, auditEvents, teams, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import { loadActionableAsset, loadVisibleAsset } from "@/lib/assets/access";
import { verifyAuditChain } from "@/lib/audit";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { loadEditableVersion } from "@/lib/editing/request-edit";
import { AppError } from "@/lib/errors";
import { starAsset, starredAmong, unstarAsset } from "@/lib/library/stars";
import { deleteSavedSearch, listSavedSearches, saveSearch } from "@/lib/library/saved-searches";
import { ASSET_COLUMNS, visibleAssetsCondition } from "@/lib/library/visibility";
import { createAssetInReview } from "@/lib/review/testing";
import { tagAssets } from "@/lib/tags";
import { createUserFactory, ctxFor } from "@/test/factories";
import {
  addToCollection,
  collectionsForPicker,
  createCollection,
  deleteCollection,
  getCollection,
  listCollections,
  removeFromCollection,
  updateCollection,
} from ".";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let dana: TestCtx; // designer, Brand
let theo: TestCtx; // designer, Brand (Dana's teammate)
let gus: TestCtx; // designer, Growth
let nomad: TestCtx; // designer without a team
let rita: TestCtx; // reviewer
let ada: TestCtx; // admin
let finn: TestCtx; // finance

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const db = database.db;
  const [brand, growth] = await db
    .insert(teams)
    .values([{ name: "Brand" }, { name: "Growth" }])
    .returning();
  const user = async (
    role: "designer" | "reviewer" | "admin" | "finance",
    name: string,
    teamId: string | null = null,
  ) => {
    const u = await createUserFactory(db, { role, name });
    if (teamId) await db.update(users).set({ teamId }).where(eq(users.id, u.id));
    return ctxFor(db, u);
  };
  dana = await user("designer", "Dana", brand!.id);
  theo = await user("designer", "Theo", brand!.id);
  gus = await user("designer", "Gus", growth!.id);
  nomad = await user("designer", "Nomad");
  rita = await user("reviewer", "Rita", brand!.id);
  ada = await user("admin", "Ada");
  finn = await user("finance", "Finn", brand!.id);
}, 60_000);
afterAll(() => database.close());

const asset = async (owner: TestCtx) => (await createAssetInReview(database.db, { ownerId: owner.actor.id })).asset.id;

async function expectCode(p: Promise<unknown>, code: string) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

async function visibleIds(ctx: TestCtx, ids: string[]): Promise<string[]> {
  const rows = await database.db
    .select({ id: assets.id })
    .from(assets)
    .where(and(inArray(assets.id, ids), visibleAssetsCondition(ctx, ASSET_COLUMNS)));
  return rows.map((r) => r.id).sort();
}

describe("collections and what sharing shows", () => {
  it("a board shared with the owner's team shows it and its assets, read-only, to teammates only", async () => {
    const a1 = await asset(dana);
    const a2 = await asset(dana);
    const own = await asset(theo);
    const board = await createCollection({ ctx: dana, input: { name: "  Spring picks ", description: "hero shots" } });
    expect(board).toMatchObject({ name: "Spring picks", teamId: null, ownerId: dana.actor.id });
    expect(
      await addToCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [a1, a2, a1] } }),
    ).toMatchObject({ affected: 2, changed: 2, skipped: [] });

    // Private: Theo sees neither the board nor its assets.
    await expectCode(getCollection({ ctx: theo, collectionId: board.id }), "not_found");
    await expectCode(loadVisibleAsset(theo, a1), "not_found");
    expect(await visibleIds(theo, [a1, a2, own])).toEqual([own]);
    expect((await listCollections({ ctx: theo })).shared).toEqual([]);

    await updateCollection({ ctx: dana, input: { collectionId: board.id, shared: true } });
    const seen = await getCollection({ ctx: theo, collectionId: board.id });
    expect(seen).toMatchObject({
      name: "Spring picks",
      shared: true,
      teamName: "Brand",
      ownerName: "Dana",
      canEdit: false,
      mine: false,
      total: 2,
    });
    expect(seen.assets.map((a) => a.id).sort()).toEqual([a1, a2].sort());
    expect((await listCollections({ ctx: theo })).shared.map((c) => [c.name, c.assetCount])).toEqual([
      ["Spring picks", 2],
    ]);
    expect((await loadVisibleAsset(theo, a1)).id).toBe(a1);
    expect((await getAssetDetail({ ctx: theo, assetId: a1 })).canEdit).toBe(false);
    expect(await visibleIds(theo, [a1, a2, own])).toEqual([a1, a2, own].sort());

    // Seeing is not acting: no edit, no tag, no change to the board.
    await expectCode(loadActionableAsset(theo, a1), "not_found");
    await expectCode(loadEditableVersion(theo, a1, 1), "not_found");
    expect(await tagAssets({ ctx: theo, input: { assetIds: [a1], tags: ["nope"] } })).toMatchObject({
      affected: 0,
      skipped: [{ assetId: a1, reason: "read_only" }],
    });
    await expectCode(updateCollection({ ctx: theo, input: { collectionId: board.id, name: "Mine now" } }), "forbidden");
    await expectCode(addToCollection({ ctx: theo, input: { collectionId: board.id, assetIds: [own] } }), "forbidden");
    await expectCode(deleteCollection({ ctx: theo, input: { collectionId: board.id } }), "forbidden");

    // Another team, no team, finance: nothing.
    for (const outsider of [gus, nomad]) {
      await expectCode(getCollection({ ctx: outsider, collectionId: board.id }), "not_found");
      await expectCode(loadVisibleAsset(outsider, a1), "not_found");
      expect(await visibleIds(outsider, [a1, a2])).toEqual([]);
    }
    await expectCode(listCollections({ ctx: finn }), "forbidden");
    await expectCode(loadVisibleAsset(finn, a1), "not_found");
    expect(() => visibleAssetsCondition(finn)).toThrow(AppError);

    // Removing an asset from the board, then unsharing, takes the access back.
    await removeFromCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [a2] } });
    await expectCode(loadVisibleAsset(theo, a2), "not_found");
    await updateCollection({ ctx: dana, input: { collectionId: board.id, shared: false } });
    await expectCode(loadVisibleAsset(theo, a1), "not_found");
    await expectCode(getCollection({ ctx: theo, collectionId: board.id }), "not_found");
  });

  it("a user moved to another team stops seeing the old team's boards", async () => {
    const a = await asset(dana);
    const board = await createCollection({ ctx: dana, input: { name: "Moving", shared: true } });
    await addToCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [a] } });
    const mover = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
    const [brand] = await database.db.select().from(teams).where(eq(teams.name, "Brand"));
    const [growth] = await database.db.select().from(teams).where(eq(teams.name, "Growth"));
    await database.db.update(users).set({ teamId: brand!.id }).where(eq(users.id, mover.actor.id));
    expect((await loadVisibleAsset(mover, a)).id).toBe(a);
    await database.db.update(users).set({ teamId: growth!.id }).where(eq(users.id, mover.actor.id));
    await expectCode(loadVisibleAsset(mover, a), "not_found");
  });

  it("only assets the actor may see go on a board; sharing needs a team; admins change any board", async () => {
    const mine = await asset(dana);
    const gusAsset = await asset(gus);
    const board = await createCollection({ ctx: dana, input: { name: "Mixed" } });
    const out = await addToCollection({
      ctx: dana,
      input: { collectionId: board.id, assetIds: [mine, gusAsset, randomUUID()] },
    });
    expect(out.affected).toBe(1);
    expect(out.skipped.map((s) => s.reason)).toEqual(["not_found", "not_found"]);
    await expectCode(createCollection({ ctx: nomad, input: { name: "Alone", shared: true } }), "invalid_input");
    await expectCode(createCollection({ ctx: dana, input: { name: "" } }), "invalid_input");
    // Reviewers see every asset and may collect any of them on their own boards.
    const rboard = await createCollection({ ctx: rita, input: { name: "Reviewer board" } });
    expect(
      (await addToCollection({ ctx: rita, input: { collectionId: rboard.id, assetIds: [mine, gusAsset] } })).affected,
    ).toBe(2);
    // Admins change (and delete) anyone's board.
    const renamed = await updateCollection({ ctx: ada, input: { collectionId: board.id, name: "Renamed by admin" } });
    expect(renamed.name).toBe("Renamed by admin");
    expect((await collectionsForPicker({ ctx: dana, assetId: mine })).find((c) => c.id === board.id)).toMatchObject({
      contains: true,
      shared: false,
    });
    await deleteCollection({ ctx: ada, input: { collectionId: board.id } });
    await expectCode(getCollection({ ctx: dana, collectionId: board.id }), "not_found");
    await expectCode(getCollection({ ctx: dana, collectionId: "not-a-uuid" }), "not_found");
  });

  it("audits board changes with the assets they name, on an intact chain", async () => {
    const a = await asset(dana);
    const board = await createCollection({ ctx: dana, input: { name: "Audited", shared: true } });
    await addToCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [a] } });
    await addToCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [a] } }); // no change, no row
    await removeFromCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [a] } });
    await updateCollection({ ctx: dana, input: { collectionId: board.id, name: "Audited 2" } });
    await deleteCollection({ ctx: dana, input: { collectionId: board.id } });
    const rows = await database.db
      .select({ action: auditEvents.action, data: auditEvents.data, actorId: auditEvents.actorId })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, "collection"), eq(auditEvents.subjectId, board.id)))
      .orderBy(auditEvents.seq);
    expect(rows.map((r) => r.action)).toEqual([
      "collection.created",
      "collection.assets_added",
      "collection.assets_removed",
      "collection.updated",
      "collection.deleted",
    ]);
    expect(rows[1]!.data).toMatchObject({ assetIds: [a], added: 1 });
    expect(rows[3]!.data).toMatchObject({ name: { from: "Audited", to: "Audited 2" } });
    expect(rows.every((r) => r.actorId === dana.actor.id)).toBe(true);
    expect((await verifyAuditChain({ db: database.db })).ok).toBe(true);
  });
});

describe("stars and saved searches are personal", () => {
  it("stars any visible asset, idempotently; others' assets are not found", async () => {
    const a = await asset(dana);
    await starAsset({ ctx: dana, input: { assetId: a } });
    await starAsset({ ctx: dana, input: { assetId: a } });
    expect([...(await starredAmong(dana, [a]))]).toEqual([a]);
    expect([...(await starredAmong(rita, [a]))]).toEqual([]);
    await expectCode(starAsset({ ctx: gus, input: { assetId: a } }), "not_found");
    await unstarAsset({ ctx: dana, input: { assetId: a } });
    expect([...(await starredAmong(dana, [a]))]).toEqual([]);
  });

  it("saves, replaces by name, lists only one's own and deletes", async () => {
    const s = await saveSearch({
      ctx: dana,
      input: { name: "Spring approved", query: "campaign:spring status:approved" },
    });
    await saveSearch({
      ctx: dana,
      input: { name: "Spring approved", query: "campaign:spring status:approved tier:hero" },
    });
    expect((await listSavedSearches({ ctx: dana })).map((x) => [x.id, x.query])).toEqual([
      [s.id, "campaign:spring status:approved tier:hero"],
    ]);
    expect(await listSavedSearches({ ctx: theo })).toEqual([]);
    await expectCode(deleteSavedSearch({ ctx: theo, input: { savedSearchId: s.id } }), "not_found");
    await expectCode(saveSearch({ ctx: dana, input: { name: "", query: "x" } }), "invalid_input");
    await expectCode(listSavedSearches({ ctx: finn }), "forbidden");
    await deleteSavedSearch({ ctx: dana, input: { savedSearchId: s.id } });
    expect(await listSavedSearches({ ctx: dana })).toEqual([]);
  });
});
