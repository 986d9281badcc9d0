import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, checkResults, checkRuns, reviewClaims, type User } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { latestRunBadges } from "@/lib/checks/views";
import { createUserFactory, ctxFor } from "@/test/factories";
import { decideAsset } from "./decide";
import { listReviewQueue, nextReviewItem, type QueueItem } from "./queue";
import { addAssetVersion, createAssetInReview, type ReviewFixture } from "./testing";

type TestCtx = ReturnType<typeof ctxFor>;
const HOUR = 3_600_000;

let database: Database;
let quinn: TestCtx;
let other: TestCtx;
let rita: TestCtx;
let ben: TestCtx;
let designer: TestCtx;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
  // The catalogue's presets only; nothing here generates, so the provider is never called.
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: User["role"], name: string) =>
    ctxFor(database.db, await createUserFactory(database.db, { role, name }));
  quinn = await user("designer", "Quinn Designer");
  other = await user("designer", "Olive Designer");
  designer = quinn;
  rita = await user("reviewer", "Rita Reviewer");
  ben = await user("reviewer", "Ben Reviewer");
}, 120_000);

afterAll(async () => {
  await database?.close();
});

/** The item without the fields computed from the clock at call time. */
const stable = (i: QueueItem | null | undefined) => (i ? { ...i, ageMinutes: 0, overSla: false } : i);

/** Every asset nextReviewItem walks to from the head, following queueKey. */
async function walk(ctx: TestCtx, filters: Record<string, string> = {}) {
  const out: QueueItem[] = [];
  let item = await nextReviewItem({ ctx, input: filters });
  while (item) {
    out.push(item);
    if (out.length > 50) throw new Error("nextReviewItem does not advance");
    item = await nextReviewItem({
      ctx,
      input: { ...filters, ...(item.queueKey.at ? { afterAt: item.queueKey.at } : {}), afterId: item.queueKey.id },
    });
  }
  return out;
}

describe("nextReviewItem", () => {
  it("is null when the reviewer's queue is empty", async () => {
    expect(await nextReviewItem({ ctx: rita, input: {} })).toBeNull();
    expect(await nextReviewItem({ ctx: rita, input: { afterId: "00000000-0000-4000-8000-000000000000" } })).toBeNull();
  });

  let old: ReviewFixture;
  let tieA: ReviewFixture;
  let tieB: ReviewFixture;
  let hero: ReviewFixture;
  let warned: ReviewFixture;
  let undated: ReviewFixture;

  it("returns the queue's first item, with the same fields (checks, approvals, claim) the list shows", async () => {
    const now = Date.now();
    warned = await createAssetInReview(db(), {
      ownerId: quinn.actor.id,
      enteredReviewAt: new Date(now - 1 * HOUR),
      verdict: "warn",
      campaign: "spring",
    });
    hero = await createAssetInReview(db(), {
      ownerId: quinn.actor.id,
      tier: "hero",
      enteredReviewAt: new Date(now - 3 * HOUR),
      prompt: "a hero shot",
    });
    // Two assets that entered review in the same microsecond: the id breaks the tie.
    const same = new Date(now - 5 * HOUR);
    tieA = await createAssetInReview(db(), { ownerId: other.actor.id, enteredReviewAt: same });
    tieB = await createAssetInReview(db(), { ownerId: other.actor.id, enteredReviewAt: same });
    old = await createAssetInReview(db(), {
      ownerId: quinn.actor.id,
      enteredReviewAt: new Date(now - 25 * HOUR),
      campaign: "spring",
    });
    // Entered review before the time was recorded: sorts last.
    undated = await createAssetInReview(db(), { ownerId: other.actor.id, enteredReviewAt: new Date(now - 50 * HOUR) });
    await db().update(assets).set({ enteredReviewAt: null }).where(eq(assets.id, undated.asset.id));
    // The oldest asset's run carries results: the badges must be the run's, as latestRunBadges reads them.
    const [run] = await db().select().from(checkRuns).where(eq(checkRuns.assetVersionId, old.version.id));
    await db()
      .insert(checkResults)
      .values([
        { checkRunId: run!.id, checkId: "sharpness", checkVersion: 1, verdict: "pass", detail: "ok", durationMs: 3 },
        {
          checkRunId: run!.id,
          checkId: "text",
          checkVersion: 1,
          verdict: "warn",
          reasonCode: "text_detected",
          detail: "text",
          durationMs: 4,
          error: null,
        },
        {
          checkRunId: run!.id,
          checkId: "exposure",
          checkVersion: 1,
          verdict: "pass",
          detail: "ok",
          durationMs: 2,
          error: "model timed out",
        },
      ]);

    const list = await listReviewQueue({ ctx: rita, input: {} });
    const next = await nextReviewItem({ ctx: rita, input: {} });
    expect(next?.assetId).toBe(old.asset.id);
    expect(stable(next)).toEqual(stable(list.items[0]));
    const badges = (await latestRunBadges(db(), [old.version.id])).get(old.version.id)!.checks;
    const byId = (a: { checkId: string }, b: { checkId: string }) => a.checkId.localeCompare(b.checkId);
    expect([...next!.checks].sort(byId)).toEqual([...badges].sort(byId));
    expect(next!.checks.find((c) => c.checkId === "exposure")).toMatchObject({ errored: true });
    expect(next).toMatchObject({
      approvals: 0,
      approvalsNeeded: 1,
      claimedByMe: false,
      checkVerdict: "pass",
      campaign: "spring",
      designer: "Quinn Designer",
    });
  });

  it("walks the queue after a key in exactly the list's order (ties by id, no time last), then null", async () => {
    const list = await listReviewQueue({ ctx: rita, input: {} });
    const walked = await walk(rita);
    expect(walked.map((i) => i.assetId)).toEqual(list.items.map((i) => i.assetId));
    const [first, second] = [tieA, tieB].map((f) => f.asset.id).sort();
    expect(walked.map((i) => i.assetId)).toEqual([
      old.asset.id,
      first,
      second,
      hero.asset.id,
      warned.asset.id,
      undated.asset.id,
    ]);
    expect(walked.at(-1)!.queueKey.at).toBeNull();
    expect(walked.map(stable)).toEqual(list.items.map(stable));
  });

  it("honours the filters as the list does", async () => {
    const ids = async (filters: Record<string, string>) => (await walk(rita, filters)).map((i) => i.assetId);
    const listed = async (filters: Record<string, string>) =>
      (await listReviewQueue({ ctx: rita, input: filters })).items.map((i) => i.assetId);
    const cases: Record<string, string>[] = [
      { tier: "hero" },
      { campaign: "spring" },
      { warnings: "only" },
      { warnings: "none" },
      { designerId: other.actor.id },
    ];
    for (const filters of cases) {
      expect(await ids(filters)).toEqual(await listed(filters));
    }
    expect(await ids({ tier: "hero" })).toEqual([hero.asset.id]);
    expect(await ids({ campaign: "spring" })).toEqual([old.asset.id, warned.asset.id]);
    expect(await ids({ warnings: "only" })).toEqual([warned.asset.id]);
    // After the last spring asset nothing is left in that filter, though the queue holds more.
    expect(
      await nextReviewItem({
        ctx: rita,
        input: {
          campaign: "spring",
          afterAt: warned.asset.enteredReviewAt!.toISOString().replace("Z", "000Z"),
          afterId: warned.asset.id,
        },
      }),
    ).toBeNull();
    expect(await nextReviewItem({ ctx: rita, input: { campaign: "autumn" } })).toBeNull();
    await expect(nextReviewItem({ ctx: rita, input: { tier: "gold" } })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(
      nextReviewItem({ ctx: rita, input: { afterAt: "yesterday", afterId: old.asset.id } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    await expect(nextReviewItem({ ctx: designer, input: {} })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("skips another reviewer's live claim (not an expired one), and marks the reviewer's own", async () => {
    await db()
      .insert(reviewClaims)
      .values({ assetId: old.asset.id, reviewerId: ben.actor.id, expiresAt: new Date(Date.now() + 10 * 60_000) });
    const [first] = [tieA, tieB].map((f) => f.asset.id).sort();
    expect((await nextReviewItem({ ctx: rita, input: {} }))?.assetId).toBe(first);
    expect(await nextReviewItem({ ctx: ben, input: {} })).toMatchObject({ assetId: old.asset.id, claimedByMe: true });

    await db()
      .update(reviewClaims)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(reviewClaims.assetId, old.asset.id));
    expect(await nextReviewItem({ ctx: rita, input: {} })).toMatchObject({ assetId: old.asset.id, claimedByMe: false });
    expect(await nextReviewItem({ ctx: ben, input: {} })).toMatchObject({ assetId: old.asset.id, claimedByMe: false });
    await db().delete(reviewClaims);
  });

  it("never offers the reviewer's own work or work they edited", async () => {
    const own = await createAssetInReview(db(), {
      ownerId: rita.actor.id,
      enteredReviewAt: new Date(Date.now() - 90 * HOUR),
    });
    const edited = await createAssetInReview(db(), {
      ownerId: quinn.actor.id,
      enteredReviewAt: new Date(Date.now() - 80 * HOUR),
    });
    await addAssetVersion(db(), edited.asset.id, { createdBy: rita.actor.id });
    expect((await nextReviewItem({ ctx: rita, input: {} }))?.assetId).toBe(old.asset.id);
    expect((await walk(rita)).some((i) => i.assetId === own.asset.id || i.assetId === edited.asset.id)).toBe(false);
    // Ben sees both, the edited one at its new version.
    const bens = await walk(ben);
    expect(bens.slice(0, 2).map((i) => i.assetId)).toEqual([own.asset.id, edited.asset.id]);
    expect(bens[1]).toMatchObject({ versionNumber: 2 });
    for (const f of [own, edited]) {
      const [a] = await db().select().from(assets).where(eq(assets.id, f.asset.id));
      await decideAsset({
        ctx: ben,
        input: { assetId: f.asset.id, assetVersionId: a!.currentVersionId, decision: "approve" },
      });
    }
  });

  it("after a decision: the next is the asset after the decided one; a hero approved once leaves only that reviewer's queue", async () => {
    const key = (f: QueueItem) => ({ ...(f.queueKey.at ? { afterAt: f.queueKey.at } : {}), afterId: f.queueKey.id });
    const heroItem = (await walk(rita)).find((i) => i.assetId === hero.asset.id)!;
    await decideAsset({
      ctx: rita,
      input: { assetId: hero.asset.id, assetVersionId: hero.version.id, decision: "approve" },
    });
    expect((await nextReviewItem({ ctx: rita, input: key(heroItem) }))?.assetId).toBe(warned.asset.id);
    expect((await walk(rita)).some((i) => i.assetId === hero.asset.id)).toBe(false);
    expect((await walk(ben)).find((i) => i.assetId === hero.asset.id)).toMatchObject({
      approvals: 1,
      approvalsNeeded: 2,
    });

    // Rita decides everything left: her queue is empty, Ben's still holds the hero.
    for (const i of await walk(rita))
      await decideAsset({ ctx: rita, input: { assetId: i.assetId, assetVersionId: i.versionId, decision: "approve" } });
    expect(await nextReviewItem({ ctx: rita, input: {} })).toBeNull();
    expect(await nextReviewItem({ ctx: ben, input: {} })).toMatchObject({ assetId: hero.asset.id });
  });
});
