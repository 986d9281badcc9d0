import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import {
  assetEdits,
  assetSearch,
  checkResults,
  checkRuns,
  costLedger,
  generations,
  tags,
  type User,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { addAssetVersion } from "@/lib/assets/add-version";
import { createAssetFromGeneration } from "@/lib/assets/create-from-generation";
import { setUsageNotes } from "@/lib/assets/usage-notes";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { shutdownModelChecks } from "@/lib/checks/models";
import { recheckAssets } from "@/lib/checks/recheck";
import { failEdit } from "@/lib/editing/run-edit";
import { sendToReview } from "@/lib/editing/send-to-review";
import { decideAsset } from "@/lib/review/decide";
import { createAssetInReview } from "@/lib/review/testing";
import { undoDecision } from "@/lib/review/undo";
import { deleteTag, renameTag, tagAssets } from "@/lib/tags";
import { assignUserTeam, createTeam } from "@/lib/teams";
import { createUserFactory, ctxFor } from "@/test/factories";
import { refreshAssetSearch } from "./refresh";
import { searchLibrary } from "./search";

/**
 * The library follows every state change it shows: each lib/ verb that changes an asset rewrites
 * its asset_search row in the same transaction, so the next search sees the change.
 */

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let dana: TestCtx;
let rita: TestCtx;
let ada: TestCtx;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const user = async (role: User["role"], name: string) =>
    ctxFor(database.db, await createUserFactory(database.db, { role, name }));
  dana = await user("designer", "Dana Designer");
  rita = await user("reviewer", "Rita Reviewer");
  ada = await user("admin", "Ada Admin");
}, 120_000);

afterAll(async () => {
  await shutdownModelChecks();
  await database?.close();
});

const ids = async (ctx: TestCtx, q: string) =>
  (await searchLibrary({ ctx, input: { q, limit: 200 } })).items.map((i) => i.id);
const row = async (assetId: string) =>
  (await database.db.select().from(assetSearch).where(eq(assetSearch.assetId, assetId)))[0];

async function inReview(prompt: string) {
  const fixture = await createAssetInReview(database.db, { ownerId: dana.actor.id, prompt, campaign: "Hooks" });
  // The fixture inserts rows directly; index it as production code would have at creation.
  await refreshAssetSearch(database.db, [fixture.asset.id]);
  return fixture;
}

describe("refresh hooks", () => {
  it("indexes an asset when a generation creates it", async () => {
    const fixture = await createAssetInReview(database.db, { ownerId: dana.actor.id, prompt: "origin" });
    const [gen] = await database.db.select().from(generations).where(eq(generations.id, fixture.asset.generationId!));
    const [copy] = await database.db
      .insert(generations)
      .values({
        ...gen!,
        id: randomUUID(),
        prompt: "a copper kettle on a stove",
        blobKey: `generations/${randomUUID()}/original.png`,
      })
      .returning();
    const created = await database.db.transaction((tx) =>
      createAssetFromGeneration(tx, { gen: copy!, blobKey: copy!.blobKey!, width: 640, height: 480 }),
    );
    expect(await ids(dana, "copper kettle status:checking")).toEqual([created.assetId]);
    expect(await row(created.assetId)).toMatchObject({ width: 640, height: 480, status: "checking", campaign: null });
  });

  it("follows a review decision and its undo", async () => {
    const f = await inReview("a linen shirt on a hanger");
    expect(await ids(rita, "linen status:in_review")).toEqual([f.asset.id]);
    const outcome = await decideAsset({
      ctx: rita,
      input: {
        assetId: f.asset.id,
        assetVersionId: f.version.id,
        decision: "reject",
        reasonCode: "off_brief",
        comment: "the hanger is chrome",
      },
    });
    expect(await ids(rita, "linen status:in_review")).toEqual([]);
    expect(await ids(rita, "rejected:off_brief")).toEqual([f.asset.id]);
    expect(await ids(rita, "reviewer:me chrome")).toEqual([f.asset.id]);
    expect(await ids(rita, "off-brief")).toEqual([f.asset.id]); // the reason's label
    await undoDecision({ ctx: rita, input: { decisionId: outcome.decision.id } });
    expect(await ids(rita, "rejected:off_brief")).toEqual([]);
    expect(await ids(rita, "linen status:in_review")).toEqual([f.asset.id]);
    expect(await ids(rita, "reviewer:me linen")).toEqual([]);

    await decideAsset({ ctx: rita, input: { assetId: f.asset.id, assetVersionId: f.version.id, decision: "approve" } });
    expect(await ids(dana, "linen status:approved")).toEqual([f.asset.id]);
    expect((await row(f.asset.id))!.approvedAt).toBeInstanceOf(Date);
  });

  it("follows the automated checks' decision", async () => {
    const f = await inReview("a wool scarf");
    const [run] = await database.db
      .insert(checkRuns)
      .values({ assetVersionId: f.version.id, trigger: "generated", thresholds: {} })
      .returning();
    await database.db
      .insert(checkResults)
      .values({
        checkRunId: run!.id,
        checkId: "sharpness",
        checkVersion: 1,
        verdict: "fail",
        reasonCode: "blur",
        detail: "soft",
        durationMs: 1,
      });
    await decideCheckRun({ db: database.db, checkRunId: run!.id });
    expect(await ids(rita, "rejected:blur")).toEqual([f.asset.id]);
    expect(await ids(rita, "check:fail scarf")).toEqual([f.asset.id]);
    expect(await ids(rita, "reason:blur")).toEqual([f.asset.id]);
  });

  it("follows a designer sending a check-rejected version to review", async () => {
    const f = await inReview("a felt hat");
    const [run] = await database.db
      .insert(checkRuns)
      .values({ assetVersionId: f.version.id, trigger: "generated", thresholds: {} })
      .returning();
    await database.db
      .insert(checkResults)
      .values({
        checkRunId: run!.id,
        checkId: "sharpness",
        checkVersion: 1,
        verdict: "fail",
        reasonCode: "blur",
        detail: "soft",
        durationMs: 1,
      });
    await decideCheckRun({ db: database.db, checkRunId: run!.id });
    expect(await ids(rita, "hat status:rejected")).toEqual([f.asset.id]);
    // The designer disagrees with the checks and sends it to a person.
    await sendToReview({ ctx: dana, input: { assetId: f.asset.id, versionNumber: 1 } });
    expect(await ids(rita, "hat status:in_review")).toEqual([f.asset.id]);
    expect(await ids(rita, "hat status:rejected")).toEqual([]);
  });

  it("follows an admin's re-check (the asset is checking again)", async () => {
    const f = await inReview("a rattan basket");
    expect(await ids(rita, "basket status:in_review")).toEqual([f.asset.id]);
    const sent: string[] = [];
    const { queued } = await recheckAssets({
      ctx: ada,
      input: { assetIds: [f.asset.id] },
      send: async (runIds) => void sent.push(...runIds),
    });
    expect(queued).toBe(1);
    expect(await ids(rita, "basket status:checking")).toEqual([f.asset.id]);
    expect(await ids(rita, "basket status:in_review")).toEqual([]);
  });

  it("counts what a failed edit billed in the image's cost", async () => {
    const f = await inReview("a brass compass");
    const before = (await row(f.asset.id))!.costMicros;
    const [edit] = await database.db
      .insert(assetEdits)
      .values({
        assetId: f.asset.id,
        sourceVersionId: f.version.id,
        operation: "upscale",
        engine: "provider",
        status: "running",
        requestedBy: dana.actor.id,
        idempotencyKey: randomUUID(),
      })
      .returning();
    const gen = f.asset.generationId!;
    await database.db.insert(costLedger).values({
      callKey: `${edit!.id}:edit:1`,
      generationId: gen,
      lineageRootId: gen,
      userId: dana.actor.id,
      operation: "upscale",
      outcome: "failed",
      billable: true,
      micros: 250_000,
      purpose: "edit",
      assetId: f.asset.id,
      editId: edit!.id,
    });
    expect(await ids(dana, "compass cost:>=0.25")).toEqual([]);
    await failEdit({ db: database.db, editId: edit!.id, code: "timeout", detail: "" });
    expect((await row(f.asset.id))!.costMicros).toBe(before + 250_000);
    expect(await ids(dana, "compass cost:>=0.25")).toEqual([f.asset.id]);
  });

  it("follows a tag's rename and deletion on every asset that carries it", async () => {
    const f = await inReview("a marble coaster");
    await tagAssets({ ctx: dana, input: { assetIds: [f.asset.id], tags: ["coasters-wip"] } });
    expect(await ids(dana, "tag:coasters-wip")).toEqual([f.asset.id]);
    const [tag] = await database.db.select().from(tags).where(eq(tags.name, "coasters-wip"));
    await renameTag({ ctx: ada, input: { tagId: tag!.id, name: "coasters-final" } });
    expect(await ids(dana, "tag:coasters-wip")).toEqual([]);
    expect(await ids(dana, "tag:coasters-final")).toEqual([f.asset.id]);
    expect(await ids(dana, "coasters-final")).toEqual([f.asset.id]); // the tag is in the document too
    await deleteTag({ ctx: ada, input: { tagId: tag!.id } });
    expect(await ids(dana, "tag:coasters-final")).toEqual([]);
    expect((await row(f.asset.id))!.tags).toEqual([]);
  });

  it("follows the designer to another team", async () => {
    const f = await inReview("a bamboo tray");
    const team = await createTeam({ ctx: ada, input: { name: "Homeware" } });
    expect(await ids(rita, "bamboo team:homeware")).toEqual([]);
    await assignUserTeam({ ctx: ada, input: { userId: dana.actor.id, teamId: team.id } });
    expect(await ids(rita, "bamboo team:homeware")).toEqual([f.asset.id]);
  });

  it("follows usage notes and new versions", async () => {
    const f = await inReview("a glass vase");
    await setUsageNotes({
      ctx: dana,
      input: { assetId: f.asset.id, notes: "reference photo licensed from Northwind" },
    });
    expect(await ids(dana, "northwind")).toEqual([f.asset.id]);
    await database.db.transaction((tx) =>
      addAssetVersion(tx, {
        assetId: f.asset.id,
        operation: "upscale",
        blobKey: `assets/${f.asset.id}/edits/v2.png`,
        width: 2048,
        height: 2048,
        createdBy: dana.actor.id,
      }),
    );
    expect(await ids(dana, "vase status:checking size:>=2048")).toEqual([f.asset.id]);
  });
});
