import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assetComments, auditEvents, type User } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createUserFactory, ctxFor } from "@/test/factories";
import { addComment, listComments } from "./comments";
import { addAssetVersion, createAssetInReview } from "./testing";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let quinn: TestCtx;
let olive: TestCtx;
let rita: TestCtx;
let fin: TestCtx;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: User["role"], name: string) =>
    ctxFor(database.db, await createUserFactory(database.db, { role, name }));
  quinn = await user("designer", "Quinn Designer");
  olive = await user("designer", "Olive Designer");
  rita = await user("reviewer", "Rita Reviewer");
  fin = await user("finance", "Fin Finance");
}, 120_000);
afterAll(async () => {
  await database?.close();
});

describe("comments pinned to the image", () => {
  it("stores points and regions as fractions, numbers the pins per version, and lists them for reviewer and designer", async () => {
    const f = await createAssetInReview(database.db, { ownerId: quinn.actor.id });
    const point = await addComment({
      ctx: rita,
      assetId: f.asset.id,
      input: { versionNumber: 1, body: "Logo is cut off here", pin: { x: 0.25, y: 0.75 } },
    });
    expect(point).toMatchObject({
      versionNumber: 1,
      marker: 1,
      author: "Rita Reviewer",
      pin: { x: 0.25, y: 0.75, w: null, h: null },
    });
    const region = await addComment({
      ctx: quinn,
      assetId: f.asset.id,
      input: { versionNumber: 1, body: "This whole corner?", pin: { x: 0.5, y: 0.5, w: 0.5, h: 0.25 } },
    });
    expect(region).toMatchObject({ marker: 2, pin: { x: 0.5, y: 0.5, w: 0.5, h: 0.25 } });
    const plain = await addComment({
      ctx: rita,
      assetId: f.asset.id,
      input: { versionNumber: 1, body: "Nice light." },
    });
    expect(plain).toMatchObject({ marker: null, pin: null });
    await addAssetVersion(database.db, f.asset.id, { createdBy: quinn.actor.id });
    // Markers start again on a new version.
    expect(
      await addComment({
        ctx: rita,
        assetId: f.asset.id,
        input: { versionNumber: 2, body: "Better", pin: { x: 0, y: 1 } },
      }),
    ).toMatchObject({ versionNumber: 2, marker: 1 });

    const seen = await listComments({ ctx: quinn, assetId: f.asset.id });
    expect(seen.map((c) => [c.versionNumber, c.marker, c.body])).toEqual([
      [1, 1, "Logo is cut off here"],
      [1, 2, "This whole corner?"],
      [1, null, "Nice light."],
      [2, 1, "Better"],
    ]);
    expect(await listComments({ ctx: rita, assetId: f.asset.id })).toEqual(seen);
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "asset.commented"))
      .limit(1);
    expect(audit).toMatchObject({ actorId: rita.actor.id, data: { version: 1, pin: { x: 0.25, y: 0.75 } } });
  });

  it("refuses pins outside the image, half regions, empty comments, unknown versions, other designers and finance", async () => {
    const f = await createAssetInReview(database.db, { ownerId: quinn.actor.id });
    const add = (ctx: TestCtx, input: unknown) => addComment({ ctx, assetId: f.asset.id, input });
    for (const pin of [
      { x: 1.2, y: 0.5 },
      { x: -0.1, y: 0 },
      { x: 0.5, y: 0.5, w: 0.2 },
      { x: 0.9, y: 0.1, w: 0.5, h: 0.1 },
      { x: 0.1, y: 0.1, w: 0, h: 0.1 },
    ])
      await expect(add(rita, { versionNumber: 1, body: "x", pin })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(add(rita, { versionNumber: 1, body: "   " })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { body: ["Write the comment first."] },
    });
    await expect(add(rita, { versionNumber: 9, body: "x" })).rejects.toMatchObject({ code: "not_found" });
    await expect(add(olive, { versionNumber: 1, body: "x" })).rejects.toMatchObject({ code: "not_found" });
    await expect(add(fin, { versionNumber: 1, body: "x" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(listComments({ ctx: olive, assetId: f.asset.id })).rejects.toMatchObject({ code: "not_found" });
    expect(await database.db.select().from(assetComments).where(eq(assetComments.assetId, f.asset.id))).toEqual([]);
    // The database keeps pins inside the image even without the route's checks.
    await expect(
      database.db.execute(
        sql`insert into asset_comments (asset_id, asset_version_id, author_id, body, pin_x, pin_y)
            values (${f.asset.id}, ${f.version.id}, ${rita.actor.id}, 'x', 1.5, 0.5)`,
      ),
    ).rejects.toThrow();
  });
});
