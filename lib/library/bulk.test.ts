import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { assets, auditEvents, checkResults, teams, uploads, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createAssetFromUpload } from "@/lib/assets/create-from-upload";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { shutdownModelChecks } from "@/lib/checks/models";
import { addToCollection, createCollection, getCollection } from "@/lib/collections";
import { AppError } from "@/lib/errors";
import { createAssetInReview } from "@/lib/review/testing";
import { tagsOfAsset } from "@/lib/tags";
import { createUserFactory, ctxFor } from "@/test/factories";
import { runBulkAction } from "./bulk";
import { refreshAssetSearch } from "./refresh";
import { searchLibrary } from "./search";

type TestCtx = ReturnType<typeof ctxFor>;
let database: Database;
let dana: TestCtx; // designer, Brand
let theo: TestCtx; // designer, Brand
let gus: TestCtx; // designer, Growth
let rita: TestCtx; // reviewer

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCatalog({ db: database.db, simulatorUrl: "http://127.0.0.1:9" });
  const db = database.db;
  const [brand, growth] = await db
    .insert(teams)
    .values([{ name: "Brand" }, { name: "Growth" }])
    .returning();
  const user = async (role: "designer" | "reviewer", teamId: string | null) => {
    const u = await createUserFactory(db, { role });
    if (teamId) await db.update(users).set({ teamId }).where(eq(users.id, u.id));
    return ctxFor(db, u);
  };
  dana = await user("designer", brand!.id);
  theo = await user("designer", brand!.id);
  gus = await user("designer", growth!.id);
  rita = await user("reviewer", null);
}, 60_000);
afterAll(async () => {
  await shutdownModelChecks();
  await database.close();
});

/** An asset of `owner` in the library's read model, optionally moved to another status. */
async function asset(owner: TestCtx, status?: "rejected" | "approved" | "checking"): Promise<string> {
  const { asset: a } = await createAssetInReview(database.db, { ownerId: owner.actor.id });
  if (status)
    await database.db
      .update(assets)
      .set({ status, statusReason: status === "rejected" ? "blur" : null })
      .where(eq(assets.id, a.id));
  await refreshAssetSearch(database.db, [a.id]);
  return a.id;
}

async function expectCode(p: Promise<unknown>, code: string) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

describe("bulk actions over a selection", () => {
  it("tags the selected assets the actor may act on and counts the rest as skipped", async () => {
    const [a, b] = [await asset(dana), await asset(dana)];
    const theirs = await asset(gus);
    const out = await runBulkAction({
      ctx: dana,
      input: { action: "tag", selection: { assetIds: [a, b, theirs, randomUUID()] }, tags: ["Bulk Spring"] },
    });
    expect(out).toEqual({
      affected: 2,
      skipped: 2,
      message: "Tagged 2 assets (bulk-spring). Skipped 2 assets (not found: 2).",
    });
    expect((await tagsOfAsset(database.db, a)).map((t) => t.name)).toEqual(["bulk-spring"]);
    expect(await tagsOfAsset(database.db, theirs)).toEqual([]);
    // One audit row for the whole request, naming both assets.
    const rows = await database.db
      .select({ data: auditEvents.data })
      .from(auditEvents)
      .where(eq(auditEvents.action, "asset.tagged"));
    expect(rows).toHaveLength(1);
    const data = rows[0]!.data as { tags: string[]; assetIds: string[]; changed: number };
    expect({ ...data, assetIds: [...data.assetIds].sort() }).toEqual({
      tags: ["bulk-spring"],
      assetIds: [a, b].sort(),
      changed: 2,
    });
  });

  it("resolves a query selection (every result) and untags it", async () => {
    const a = await asset(dana);
    await runBulkAction({ ctx: dana, input: { action: "tag", selection: { assetIds: [a] }, tags: ["by-query"] } });
    const out = await runBulkAction({
      ctx: dana,
      input: { action: "untag", selection: { query: "tag:by-query" }, tags: ["by-query"] },
    });
    expect(out).toMatchObject({ affected: 1, skipped: 0, message: "Untagged 1 asset (by-query)." });
    expect(await tagsOfAsset(database.db, a)).toEqual([]);
  });

  it("collects onto the actor's own board; a teammate's board is refused; shared assets may be collected but not tagged", async () => {
    const [a, b] = [await asset(dana), await asset(dana)];
    const board = await createCollection({ ctx: dana, input: { name: "Bulk board", shared: true } });
    await addToCollection({ ctx: dana, input: { collectionId: board.id, assetIds: [a] } });
    const out = await runBulkAction({
      ctx: dana,
      input: { action: "collect", selection: { assetIds: [a, b] }, collectionId: board.id },
    });
    expect(out).toEqual({ affected: 2, skipped: 0, message: "Added 2 assets to “Bulk board” (1 was already on it)." });
    await expectCode(
      runBulkAction({ ctx: theo, input: { action: "collect", selection: { assetIds: [a] }, collectionId: board.id } }),
      "forbidden",
    );

    // Theo sees a and b through the shared board: he may put them on his own board, not tag them.
    const mine = await createCollection({ ctx: theo, input: { name: "Theo's" } });
    expect(
      await runBulkAction({
        ctx: theo,
        input: { action: "collect", selection: { assetIds: [a, b] }, collectionId: mine.id },
      }),
    ).toMatchObject({ affected: 2, skipped: 0 });
    expect((await getCollection({ ctx: theo, collectionId: mine.id })).total).toBe(2);
    expect(
      await runBulkAction({ ctx: theo, input: { action: "tag", selection: { assetIds: [a, b] }, tags: ["x"] } }),
    ).toEqual({
      affected: 0,
      skipped: 2,
      message: "Tagged 0 assets (x). Skipped 2 assets (shared with you read-only: 2).",
    });
    // Gus (another team) sees none of them.
    expect(
      await runBulkAction({ ctx: gus, input: { action: "tag", selection: { assetIds: [a, b] }, tags: ["x"] } }),
    ).toMatchObject({ affected: 0, skipped: 2 });
  });

  it("sends to review only what the editor's rules allow, with each refusal's reason", async () => {
    const rejected = [await asset(dana, "rejected"), await asset(dana, "rejected")];
    const waiting = await asset(dana); // already in review
    const approved = await asset(dana, "approved");
    const theirs = await asset(gus, "rejected");
    const out = await runBulkAction({
      ctx: dana,
      input: { action: "send_to_review", selection: { assetIds: [...rejected, waiting, approved, theirs] } },
    });
    expect(out.affected).toBe(2);
    expect(out.skipped).toBe(3);
    expect(out.message).toBe(
      "Sent 2 assets to review. Skipped 3 assets (not found: 1; already waiting for review: 1; already approved: 1).",
    );
    const statuses = await database.db
      .select({ id: assets.id, status: assets.status })
      .from(assets)
      .where(inArray(assets.id, [...rejected, theirs]));
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [rejected[0]!]: "in_review",
      [rejected[1]!]: "in_review",
      [theirs]: "rejected",
    });
    const audits = await database.db
      .select({ subjectId: auditEvents.subjectId })
      .from(auditEvents)
      .where(eq(auditEvents.action, "asset.sent_to_review"));
    expect(audits.map((r) => r.subjectId).sort()).toEqual([...rejected].sort());
    // Reviewers do not send to review (it is the designer's request for a person).
    await expectCode(
      runBulkAction({ ctx: rita, input: { action: "send_to_review", selection: { assetIds: rejected } } }),
      "forbidden",
    );
  });

  it("treats an uploaded asset like any other: collected, tagged in bulk, found by search, sent to review", async () => {
    const db = database.db;
    const [upload] = await db
      .insert(uploads)
      .values({
        ownerId: dana.actor.id,
        filename: "shelf-shot-KLN-0077.png",
        contentType: "image/png",
        bytes: 1000,
        width: 1200,
        height: 800,
        sha256: "1".repeat(64),
        blobKey: `uploads/${randomUUID()}/original.png`,
        status: "ready",
      })
      .returning();
    // Production path: the upload becomes an asset and takes the support tier's checks, which reject it for blur.
    const made = await db.transaction((tx) => createAssetFromUpload(tx, upload!));
    await db
      .insert(checkResults)
      .values({
        checkRunId: made.checkRunId,
        checkId: "sharpness",
        checkVersion: 1,
        verdict: "fail",
        reasonCode: "blur",
        detail: "soft",
        durationMs: 1,
      });
    await decideCheckRun({ db, checkRunId: made.checkRunId });
    const found = async (ctx: TestCtx, q: string) =>
      (await searchLibrary({ ctx, input: { q } })).items.map((i) => i.id);
    expect(await found(dana, "shelf source:uploaded rejected:blur")).toEqual([made.assetId]);

    const board = await createCollection({ ctx: dana, input: { name: "Uploads board" } });
    expect(
      await runBulkAction({
        ctx: dana,
        input: { action: "collect", selection: { query: "source:uploaded *KLN-0077*" }, collectionId: board.id },
      }),
    ).toMatchObject({
      affected: 1,
      skipped: 0,
    });
    expect((await getCollection({ ctx: dana, collectionId: board.id })).total).toBe(1);
    expect(
      await runBulkAction({
        ctx: dana,
        input: { action: "tag", selection: { query: `in:${board.id}` }, tags: ["Uploads WIP"] },
      }),
    ).toMatchObject({
      affected: 1,
      message: "Tagged 1 asset (uploads-wip).",
    });
    expect(await found(dana, `tag:uploads-wip in:${board.id} shelf`)).toEqual([made.assetId]);

    expect(
      await runBulkAction({ ctx: dana, input: { action: "send_to_review", selection: { query: `in:${board.id}` } } }),
    ).toEqual({
      affected: 1,
      skipped: 0,
      message: "Sent 1 asset to review.",
    });
    // The reviewer finds it waiting, by its filename's fragment and its tag.
    expect(await found(rita, "status:in_review source:uploaded tag:uploads-wip *shelf-shot*")).toEqual([made.assetId]);
    expect(await found(gus, "*shelf-shot*")).toEqual([]);
  });

  it("refuses oversized selections and incomplete requests with a clear message", async () => {
    expect(
      await runBulkAction({
        ctx: dana,
        input: { action: "tag", selection: { assetIds: [randomUUID()] }, tags: ["x"] },
      }),
    ).toEqual({
      affected: 0,
      skipped: 1,
      message: "Nothing changed. Skipped 1 asset (not found: 1).",
    });
    const many = Array.from({ length: 501 }, () => randomUUID());
    await expectCode(
      runBulkAction({ ctx: dana, input: { action: "send_to_review", selection: { assetIds: many } } }),
      "invalid_input",
    );
    await expectCode(
      runBulkAction({ ctx: dana, input: { action: "tag", selection: { assetIds: [randomUUID()] } } }),
      "invalid_input",
    );
    await expectCode(
      runBulkAction({ ctx: dana, input: { action: "collect", selection: { assetIds: [randomUUID()] } } }),
      "invalid_input",
    );
    await expectCode(
      runBulkAction({ ctx: dana, input: { action: "tag", selection: {}, tags: ["x"] } }),
      "invalid_input",
    );
    await expectCode(
      runBulkAction({ ctx: dana, input: { action: "delete", selection: { assetIds: [randomUUID()] } } }),
      "invalid_input",
    );
  });
});
