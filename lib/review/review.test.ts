import { and, asc, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import {
  assets,
  auditEvents,
  generations,
  notifications,
  rejectReasons,
  reviewClaims,
  reviewDecisions,
  templates,
  type User,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { verifyAuditChain } from "@/lib/audit";
import { GENESIS_HASH } from "@/lib/audit/hash";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { decideCheckRun } from "@/lib/checks/decide-run";
import { shutdownModelChecks } from "@/lib/checks/models";
import { checkSteps } from "@/lib/checks/registry";
import { runChecks } from "@/lib/checks/run-checks";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { makeGenerationRenditions, runGeneration } from "@/lib/generation/run-generation";
import { getBlobStore } from "@/lib/storage";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { bulkApprove, decideAsset } from "./decide";
import { listNotifications, markNotificationsRead, unreadNotificationCount } from "./notifications";
import { claimSlice, CLAIM_MINUTES, heldByOthers, listReviewQueue, reviewQueueCount } from "./queue";
import { addRejectReason, listRejectReasons, SEED_REJECT_REASONS, setRejectReasonActive } from "./reasons";
import { addAssetVersion, createAssetInReview, type ReviewFixture } from "./testing";
import { undoDecision, UNDO_WINDOW_MS } from "./undo";

type TestCtx = ReturnType<typeof ctxFor>;

let database: Database;
let sim: RunningSimulator;
let designer: TestCtx;
let designer2: TestCtx;
let finance: TestCtx;
let admin: TestCtx;
let rita: TestCtx; // reviewer A
let ben: TestCtx; // reviewer B
let cleo: TestCtx; // reviewer C

const APPROVAL_ID = /^KA-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/;
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0, latencyMs: 0, jitterMs: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  const user = async (role: User["role"], name: string) =>
    ctxFor(database.db, await createUserFactory(database.db, { role, name }));
  designer = await user("designer", "Dana Designer");
  designer2 = await user("designer", "Dev Designer");
  finance = await user("finance", "Finn Finance");
  admin = await user("admin", "Ada Admin");
  rita = await user("reviewer", "Rita Reviewer");
  ben = await user("reviewer", "Ben Reviewer");
  cleo = await user("reviewer", "Cleo Reviewer");
}, 120_000);

afterAll(async () => {
  await shutdownModelChecks();
  await sim?.close();
  await database?.close();
});

const db = () => database.db;
const inReview = (opts: Partial<Parameters<typeof createAssetInReview>[1]> = {}) =>
  createAssetInReview(db(), { ownerId: designer.actor.id, ...opts });
const approve = (f: ReviewFixture) => ({ assetId: f.asset.id, assetVersionId: f.version.id, decision: "approve" });

async function assetRow(id: string) {
  const [row] = await db().select().from(assets).where(eq(assets.id, id));
  return row!;
}
async function decisionsOf(assetId: string) {
  return db()
    .select()
    .from(reviewDecisions)
    .where(eq(reviewDecisions.assetId, assetId))
    .orderBy(asc(reviewDecisions.createdAt));
}
async function notificationsOf(assetId: string) {
  return db()
    .select()
    .from(notifications)
    .where(eq(notifications.assetId, assetId))
    .orderBy(asc(notifications.createdAt));
}
async function auditFor(assetId: string, action: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectId, assetId), eq(auditEvents.action, action)))
    .orderBy(asc(auditEvents.seq));
}
/** The asset is untouched: still in review, no decision, no approval id, nobody notified. */
async function expectUntouched(assetId: string) {
  expect(await assetRow(assetId)).toMatchObject({ status: "in_review", approvalId: null });
  expect(await decisionsOf(assetId)).toEqual([]);
  expect(await notificationsOf(assetId)).toEqual([]);
}

describe("who may decide", () => {
  it("refuses designers and finance, whatever they send", async () => {
    const f = await inReview();
    for (const ctx of [designer2, finance]) {
      await expect(decideAsset({ ctx, input: approve(f) })).rejects.toMatchObject({
        code: "forbidden",
        message: "Only reviewers decide on assets.",
      });
    }
    // Even the owner, a designer, cannot approve their own work.
    await expect(decideAsset({ ctx: designer, input: approve(f) })).rejects.toMatchObject({ code: "forbidden" });
    await expectUntouched(f.asset.id);
  });

  it("refuses a reviewer on an asset they own", async () => {
    const f = await createAssetInReview(db(), { ownerId: rita.actor.id });
    await expect(decideAsset({ ctx: rita, input: approve(f) })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("You generated or edited this asset"),
    });
    await expectUntouched(f.asset.id);
  });

  it("refuses a reviewer who created one of the asset's versions, even an older one", async () => {
    const f = await inReview();
    const edited = await addAssetVersion(db(), f.asset.id, { createdBy: ben.actor.id });
    await expect(
      decideAsset({ ctx: ben, input: { assetId: f.asset.id, assetVersionId: edited.id, decision: "approve" } }),
    ).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("another reviewer must decide"),
    });
    // A later version by someone else does not make Ben a stranger to the asset.
    const v3 = await addAssetVersion(db(), f.asset.id, { createdBy: designer.actor.id });
    await expect(
      decideAsset({ ctx: ben, input: { assetId: f.asset.id, assetVersionId: v3.id, decision: "approve" } }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    await expectUntouched(f.asset.id);
    // Another reviewer may.
    expect(
      (await decideAsset({ ctx: rita, input: { assetId: f.asset.id, assetVersionId: v3.id, decision: "approve" } }))
        .status,
    ).toBe("approved");
  });

  it("an admin may decide", async () => {
    const f = await inReview();
    const out = await decideAsset({ ctx: admin, input: approve(f) });
    expect(out.status).toBe("approved");
  });

  it("refuses malformed input and unknown assets", async () => {
    await expect(
      decideAsset({ ctx: rita, input: { assetId: "nope", assetVersionId: "nope", decision: "approve" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { assetId: ["Unknown asset."], assetVersionId: ["Unknown asset version."] },
    });
    const f = await inReview();
    await expect(decideAsset({ ctx: rita, input: { ...approve(f), decision: "maybe" } })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { decision: ["Choose a decision."] },
    });
    await expect(
      decideAsset({
        ctx: rita,
        input: { assetId: "00000000-0000-4000-8000-000000000000", assetVersionId: f.version.id, decision: "approve" },
      }),
    ).rejects.toMatchObject({ code: "not_found", message: "That asset does not exist." });
    await expectUntouched(f.asset.id);
  });
});

describe("approvals", () => {
  it("a support asset is approved by one reviewer: approval id on asset and decision, the owner is told, the claim is gone", async () => {
    const f = await inReview();
    const out = await decideAsset({ ctx: rita, input: { ...approve(f), comment: "  Looks good.  " } });
    expect(out).toMatchObject({ status: "approved", approvals: 1, approvalsNeeded: 1 });
    expect(out.decision.approvalId).toMatch(APPROVAL_ID);

    const asset = await assetRow(f.asset.id);
    expect(asset).toMatchObject({ status: "approved", approvalId: out.decision.approvalId });
    // Finance counts usable assets by approved_at: set by the approval, no earlier than the decision.
    expect(asset.approvedAt).toBeInstanceOf(Date);
    expect(asset.approvedAt!.getTime()).toBeGreaterThanOrEqual(out.decision.createdAt.getTime() - 1000);
    const decisions = await decisionsOf(f.asset.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      id: out.decision.id,
      assetVersionId: f.version.id,
      reviewerId: rita.actor.id,
      decision: "approve",
      reasonCode: null,
      comment: "Looks good.",
      approvalId: out.decision.approvalId,
      undoneAt: null,
    });

    const told = await notificationsOf(f.asset.id);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ userId: designer.actor.id, kind: "review.approve", readAt: null });
    expect(told[0]!.message).toBe(`Rita Reviewer approved your asset (${out.decision.approvalId}) — “Looks good.”.`);
  });

  it("a hero asset needs two different reviewers", async () => {
    const f = await inReview({ tier: "hero" });
    const first = await decideAsset({ ctx: rita, input: approve(f) });
    expect(first).toMatchObject({ status: "in_review", approvals: 1, approvalsNeeded: 2 });
    expect(first.decision.approvalId).toBeNull();
    expect(await assetRow(f.asset.id)).toMatchObject({ status: "in_review", approvalId: null, approvedAt: null });
    expect((await notificationsOf(f.asset.id)).map((n) => n.message)).toEqual([
      "Rita Reviewer approved your asset (1 of 2 approvals).",
    ]);

    // The same reviewer cannot count twice, not even with "approve with changes".
    for (const decision of ["approve", "approve_with_changes"]) {
      await expect(
        decideAsset({ ctx: rita, input: { ...approve(f), decision, comment: "again" } }),
      ).rejects.toMatchObject({
        code: "conflict",
        message: "You already approved this version; a second reviewer must approve it too.",
      });
    }
    expect(await decisionsOf(f.asset.id)).toHaveLength(1);

    const second = await decideAsset({ ctx: ben, input: approve(f) });
    expect(second).toMatchObject({ status: "approved", approvals: 2, approvalsNeeded: 2 });
    expect(second.decision.approvalId).toMatch(APPROVAL_ID);
    expect(await assetRow(f.asset.id)).toMatchObject({
      status: "approved",
      approvalId: second.decision.approvalId,
      approvedAt: expect.any(Date),
    });
    const decisions = await decisionsOf(f.asset.id);
    expect(decisions.map((d) => [d.reviewerId, d.approvalId])).toEqual([
      [rita.actor.id, null],
      [ben.actor.id, second.decision.approvalId],
    ]);
    expect((await notificationsOf(f.asset.id)).map((n) => n.message)).toEqual([
      "Rita Reviewer approved your asset (1 of 2 approvals).",
      `Ben Reviewer approved your asset (${second.decision.approvalId}).`,
    ]);
  });

  it("a draft asset a person must look at (its checks could not run) needs one approval", async () => {
    const f = await inReview({ tier: "draft", verdict: "warn" });
    expect(await decideAsset({ ctx: rita, input: approve(f) })).toMatchObject({
      status: "approved",
      approvals: 1,
      approvalsNeeded: 1,
    });
  });

  it("approve with changes needs a comment, then approves", async () => {
    const f = await inReview();
    for (const comment of [undefined, "", "  ok  "]) {
      await expect(
        decideAsset({ ctx: rita, input: { ...approve(f), decision: "approve_with_changes", comment } }),
      ).rejects.toMatchObject({
        code: "invalid_input",
        message: "comment: Say what must change: a comment is required.",
        fields: { comment: ["Say what must change: a comment is required."] },
      });
    }
    await expectUntouched(f.asset.id);
    const out = await decideAsset({
      ctx: rita,
      input: { ...approve(f), decision: "approve_with_changes", comment: "Crop the left edge." },
    });
    expect(out.status).toBe("approved");
    expect(await assetRow(f.asset.id)).toMatchObject({ status: "approved", approvalId: out.decision.approvalId });
    expect((await decisionsOf(f.asset.id))[0]).toMatchObject({
      decision: "approve_with_changes",
      comment: "Crop the left edge.",
    });
    // The designer's notice does not read like a plain approval: it names the changes still to make.
    const [told] = await notificationsOf(f.asset.id);
    expect(told).toMatchObject({ kind: "review.approve_with_changes" });
    expect(told!.message).toBe(
      `Rita Reviewer approved your asset with changes (${out.decision.approvalId}). Make these changes before using it: “Crop the left edge.”.`,
    );
  });
});

describe("rejections and change requests", () => {
  it("reject needs a reason code from the active list", async () => {
    const f = await inReview();
    await expect(decideAsset({ ctx: rita, input: { ...approve(f), decision: "reject" } })).rejects.toMatchObject({
      code: "invalid_input",
      message: "reasonCode: Pick a reason to reject.",
      fields: { reasonCode: ["Pick a reason to reject."] },
    });
    await expect(
      decideAsset({ ctx: rita, input: { ...approve(f), decision: "reject", reasonCode: "   " } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { reasonCode: ["Pick a reason to reject."] },
    });
    await expect(
      decideAsset({ ctx: rita, input: { ...approve(f), decision: "reject", reasonCode: "looks_odd" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: "Pick a reason from the list.",
      fields: { reasonCode: ["Unknown reason."] },
    });

    const [quality] = await db().select().from(rejectReasons).where(eq(rejectReasons.code, "quality"));
    await setRejectReasonActive({ ctx: admin, input: { id: quality!.id, active: false } });
    try {
      await expect(
        decideAsset({ ctx: rita, input: { ...approve(f), decision: "reject", reasonCode: "quality" } }),
      ).rejects.toMatchObject({
        code: "invalid_input",
        message: "Pick a reason from the list.",
      });
    } finally {
      await setRejectReasonActive({ ctx: admin, input: { id: quality!.id, active: true } });
    }
    await expectUntouched(f.asset.id);

    const out = await decideAsset({
      ctx: rita,
      input: { ...approve(f), decision: "reject", reasonCode: "trademark_logo", comment: "Nike swoosh, top left" },
    });
    expect(out).toMatchObject({ status: "rejected", approvals: 0, approvalsNeeded: 1 });
    expect(await assetRow(f.asset.id)).toMatchObject({
      status: "rejected",
      statusReason: "trademark_logo",
      approvalId: null,
      approvedAt: null,
      rejectedAt: expect.any(Date),
    });
    expect((await decisionsOf(f.asset.id))[0]).toMatchObject({
      decision: "reject",
      reasonCode: "trademark_logo",
      comment: "Nike swoosh, top left",
      approvalId: null,
    });
    const told = await notificationsOf(f.asset.id);
    expect(told.map((n) => [n.userId, n.kind, n.message])).toEqual([
      [
        designer.actor.id,
        "review.reject",
        "Rita Reviewer rejected your asset: Trademark / logo — “Nike swoosh, top left”.",
      ],
    ]);
  });

  it("request changes needs a comment and sends the asset back to its designer", async () => {
    const f = await inReview();
    await expect(
      decideAsset({ ctx: rita, input: { ...approve(f), decision: "request_changes" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { comment: ["Say what must change: a comment is required."] },
    });
    await expectUntouched(f.asset.id);
    const out = await decideAsset({
      ctx: rita,
      input: {
        ...approve(f),
        decision: "request_changes",
        comment: "Remove the text on the mug.",
        reasonCode: "other",
      },
    });
    expect(out.status).toBe("changes_requested");
    expect(await assetRow(f.asset.id)).toMatchObject({
      status: "changes_requested",
      statusReason: "changes_requested",
      approvalId: null,
    });
    // A reason code only belongs to a rejection.
    expect((await decisionsOf(f.asset.id))[0]).toMatchObject({
      decision: "request_changes",
      reasonCode: null,
      comment: "Remove the text on the mug.",
    });
    expect((await notificationsOf(f.asset.id)).map((n) => n.message)).toEqual([
      "Rita Reviewer requested changes: “Remove the text on the mug.”.",
    ]);
  });
});

describe("stale and finished decisions", () => {
  it("a decision on an older version is refused, naming a newer version", async () => {
    const f = await inReview();
    const v2 = await addAssetVersion(db(), f.asset.id, { createdBy: designer.actor.id });
    expect((await assetRow(f.asset.id)).currentVersionId).toBe(v2.id);
    await expect(decideAsset({ ctx: rita, input: approve(f) })).rejects.toMatchObject({
      code: "conflict",
      message: "This asset has a newer version than the one you reviewed; open it again to see the current version.",
    });
    await expectUntouched(f.asset.id);
    // A version of another asset is no better.
    const other = await inReview();
    await expect(
      decideAsset({ ctx: rita, input: { assetId: f.asset.id, assetVersionId: other.version.id, decision: "approve" } }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("newer version"),
    });
    const out = await decideAsset({
      ctx: rita,
      input: { assetId: f.asset.id, assetVersionId: v2.id, decision: "approve" },
    });
    expect(out.decision.assetVersionId).toBe(v2.id);
  });

  it("a decision on an asset no longer in review names who decided", async () => {
    const f = await inReview();
    await decideAsset({ ctx: rita, input: { ...approve(f), decision: "reject", reasonCode: "off_brief" } });
    for (const input of [approve(f), { ...approve(f), decision: "reject", reasonCode: "quality" }]) {
      await expect(decideAsset({ ctx: ben, input })).rejects.toMatchObject({
        code: "conflict",
        message: "Already decided by Rita Reviewer (reject): this asset is rejected.",
      });
    }
    expect(await decisionsOf(f.asset.id)).toHaveLength(1);

    const g = await inReview();
    await decideAsset({ ctx: ben, input: { ...approve(g), decision: "request_changes", comment: "Warmer light" } });
    await expect(decideAsset({ ctx: cleo, input: approve(g) })).rejects.toMatchObject({
      code: "conflict",
      message: "Already decided by Ben Reviewer (request changes): this asset is changes requested.",
    });

    // Rejected by the checks, never by a person: no name to give.
    const h = await inReview();
    await db().update(assets).set({ status: "rejected", statusReason: "blur" }).where(eq(assets.id, h.asset.id));
    await expect(decideAsset({ ctx: ben, input: approve(h) })).rejects.toMatchObject({
      code: "conflict",
      message: "Already decided: this asset is rejected.",
    });
  });
});

describe("concurrent decisions", () => {
  it("two reviewers deciding the same support asset at once: exactly one wins", async () => {
    for (let round = 0; round < 4; round++) {
      const f = await inReview();
      const input = round % 2 ? { ...approve(f), decision: "reject", reasonCode: "quality" } : approve(f);
      const results = await Promise.allSettled([
        decideAsset({ ctx: rita, input: approve(f) }),
        decideAsset({ ctx: ben, input }),
      ]);
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, value: r.value }] : []));
      const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const winner = won[0]!.i === 0 ? "Rita Reviewer" : "Ben Reviewer";
      expect(lost[0]).toMatchObject({
        code: "conflict",
        message: expect.stringMatching(new RegExp(`^Already decided by ${winner} \\(`)),
      });

      const decisions = await decisionsOf(f.asset.id);
      expect(decisions).toHaveLength(1);
      expect(decisions[0]!.id).toBe(won[0]!.value.decision.id);
      const asset = await assetRow(f.asset.id);
      expect(asset.status).toBe(won[0]!.value.status);
      expect(asset.approvalId).toBe(won[0]!.value.decision.approvalId);
      expect(await notificationsOf(f.asset.id)).toHaveLength(1);
      expect(await auditFor(f.asset.id, "review.decided")).toHaveLength(1);
    }
  });

  it("two reviewers approving a hero asset at once: both count, one approval id", async () => {
    const f = await inReview({ tier: "hero" });
    const [a, b] = await Promise.all([
      decideAsset({ ctx: rita, input: approve(f) }),
      decideAsset({ ctx: ben, input: approve(f) }),
    ]);
    expect([a.status, b.status].sort()).toEqual(["approved", "in_review"]);
    const decisions = await decisionsOf(f.asset.id);
    expect(decisions).toHaveLength(2);
    const ids = decisions.map((d) => d.approvalId).filter(Boolean);
    expect(ids).toHaveLength(1);
    expect(await assetRow(f.asset.id)).toMatchObject({ status: "approved", approvalId: ids[0] });
  });
});

describe("claims", () => {
  // The oldest assets in the database, so a claim of this size takes exactly these.
  let claimed: ReviewFixture[];
  let ritasOwn: ReviewFixture;

  beforeAll(async () => {
    ritasOwn = await createAssetInReview(db(), {
      ownerId: rita.actor.id,
      enteredReviewAt: new Date("2001-01-01T00:00:00Z"),
    });
    claimed = [];
    for (let i = 0; i < 3; i++) claimed.push(await inReview({ enteredReviewAt: new Date(Date.UTC(2001, 0, 2 + i)) }));
  });
  afterAll(async () => {
    await db().delete(reviewClaims);
  });

  it("a claim hides the slice from other reviewers, who cannot decide on it; never the claimer's own assets", async () => {
    await expect(claimSlice({ ctx: designer, input: {} })).rejects.toMatchObject({
      code: "forbidden",
      message: "Only reviewers work the review queue.",
    });
    await expect(claimSlice({ ctx: rita, input: { size: 0 } })).rejects.toMatchObject({ code: "invalid_input" });

    const before = Date.now();
    const out = await claimSlice({ ctx: rita, input: { size: 3 } });
    expect(out.claimed).toBe(3);
    expect(new Date(out.expiresAt).getTime()).toBeGreaterThanOrEqual(before + CLAIM_MINUTES * 60_000);
    const rows = await db().select().from(reviewClaims).where(eq(reviewClaims.reviewerId, rita.actor.id));
    expect(rows.map((r) => r.assetId).sort()).toEqual(claimed.map((c) => c.asset.id).sort());
    expect(rows.some((r) => r.assetId === ritasOwn.asset.id)).toBe(false);
    const [claimAudit] = await db().select().from(auditEvents).where(eq(auditEvents.action, "review.claimed"));
    expect(claimAudit).toMatchObject({ actorId: rita.actor.id, data: { count: 3, minutes: CLAIM_MINUTES } });

    // Rita sees them as hers; Ben does not see them at all.
    const ritas = await listReviewQueue({ ctx: rita, input: { designerId: designer.actor.id } });
    expect(ritas.items.filter((i) => i.claimedByMe).map((i) => i.assetId)).toEqual(claimed.map((c) => c.asset.id));
    expect(ritas.items.find((i) => i.claimedByMe)!.claim).toEqual({
      by: "Rita Reviewer",
      mine: true,
      until: out.expiresAt.slice(0, 19) + "Z",
    });
    // Ben is told who holds the assets missing from his queue, and until when.
    expect(await heldByOthers(ben)).toEqual([
      { reviewer: "Rita Reviewer", count: 3, until: out.expiresAt.slice(0, 19) + "Z" },
    ]);
    expect(await heldByOthers(rita)).toEqual([]);
    const bens = await listReviewQueue({ ctx: ben, input: {} });
    expect(bens.items.some((i) => claimed.some((c) => c.asset.id === i.assetId))).toBe(false);
    expect(bens.items[0]!.assetId).toBe(ritasOwn.asset.id); // the oldest left for Ben: Rita's own, which she cannot claim

    await expect(decideAsset({ ctx: ben, input: approve(claimed[0]!) })).rejects.toMatchObject({
      code: "conflict",
      message: `Rita Reviewer has claimed this asset until ${out.expiresAt.slice(11, 16)} UTC; it comes back to the queue when their claim expires.`,
    });
    await expectUntouched(claimed[0]!.asset.id);

    // Ben's own claim does not take Rita's.
    const benClaim = await claimSlice({ ctx: ben, input: { size: 1 } });
    expect(benClaim.claimed).toBe(1);
    const [bensRow] = await db().select().from(reviewClaims).where(eq(reviewClaims.reviewerId, ben.actor.id));
    expect(bensRow!.assetId).toBe(ritasOwn.asset.id);
    await db().delete(reviewClaims).where(eq(reviewClaims.reviewerId, ben.actor.id));
  });

  it("a claim takes the next assets of the queue as the reviewer filtered it, not of the whole queue", async () => {
    // Newer than every unclaimed asset of the queue, so only the campaign filter makes Ben claim it.
    const spring = await inReview({ campaign: "Spring drop", enteredReviewAt: new Date("2030-01-01T00:00:00Z") });
    const out = await claimSlice({ ctx: ben, input: { size: 1, campaign: "Spring drop" } });
    expect(out.claimed).toBe(1);
    const rows = await db().select().from(reviewClaims).where(eq(reviewClaims.reviewerId, ben.actor.id));
    expect(rows.map((r) => r.assetId)).toEqual([spring.asset.id]);
    await db().delete(reviewClaims).where(eq(reviewClaims.reviewerId, ben.actor.id));
  });

  it("a claim renewed by its reviewer keeps the same assets; Rita's decision clears her claim", async () => {
    const again = await claimSlice({ ctx: rita, input: { size: 1 } });
    // Her three are renewed, not re-inserted; one more (the next oldest not hers) is claimed.
    expect(again.claimed).toBe(1);
    const rows = await db().select().from(reviewClaims).where(eq(reviewClaims.reviewerId, rita.actor.id));
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.expiresAt.getTime())).size).toBe(1);
    const extra = rows.find((r) => !claimed.some((c) => c.asset.id === r.assetId))!;
    await db().delete(reviewClaims).where(eq(reviewClaims.assetId, extra.assetId));

    const f = await inReview();
    await db()
      .insert(reviewClaims)
      .values({ assetId: f.asset.id, reviewerId: rita.actor.id, expiresAt: new Date(Date.now() + 60_000) });
    await decideAsset({ ctx: rita, input: approve(f) });
    expect(await db().select().from(reviewClaims).where(eq(reviewClaims.assetId, f.asset.id))).toEqual([]);
  });

  it("after the claim expires, other reviewers see and may decide the assets again", async () => {
    await db()
      .update(reviewClaims)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(reviewClaims.reviewerId, rita.actor.id));
    const bens = await listReviewQueue({ ctx: ben, input: { designerId: designer.actor.id } });
    expect(bens.items.slice(0, 3).map((i) => i.assetId)).toEqual(claimed.map((c) => c.asset.id));
    expect(bens.items.some((i) => i.claimedByMe)).toBe(false);
    expect(
      (await listReviewQueue({ ctx: rita, input: { designerId: designer.actor.id } })).items.some((i) => i.claimedByMe),
    ).toBe(false);

    const out = await decideAsset({ ctx: ben, input: approve(claimed[0]!) });
    expect(out.status).toBe("approved");
    // The expired claim went with the decision; Ben's new claim clears the other expired ones.
    expect(await db().select().from(reviewClaims).where(eq(reviewClaims.assetId, claimed[0]!.asset.id))).toEqual([]);
    const benClaim = await claimSlice({ ctx: ben, input: { size: 3 } });
    expect(benClaim.claimed).toBe(3);
    const rows = await db().select().from(reviewClaims);
    expect(rows.every((r) => r.reviewerId === ben.actor.id)).toBe(true);
    expect(rows.map((r) => r.assetId)).toEqual(
      expect.arrayContaining([ritasOwn.asset.id, claimed[1]!.asset.id, claimed[2]!.asset.id]),
    );
  });
});

describe("the queue", () => {
  let quinn: TestCtx; // a designer whose assets only this block makes
  let old: ReviewFixture;
  let hero: ReviewFixture;
  let warned: ReviewFixture;

  beforeAll(async () => {
    await db().delete(reviewClaims);
    quinn = ctxFor(db(), await createUserFactory(db(), { role: "designer", name: "Quinn Designer" }));
    const now = Date.now();
    // Inserted newest first: the queue must sort by entered_review_at, not by insertion.
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
    old = await createAssetInReview(db(), {
      ownerId: quinn.actor.id,
      enteredReviewAt: new Date(now - 25 * HOUR),
      campaign: "spring",
    });
  });

  it("lists oldest first with age against the SLA, designer, prompt, checks and approvals", async () => {
    const q = await listReviewQueue({ ctx: rita, input: { designerId: quinn.actor.id } });
    expect(q.slaHours).toBe(24);
    expect(q.total).toBe(3);
    expect(q.items.map((i) => i.assetId)).toEqual([old.asset.id, hero.asset.id, warned.asset.id]);
    const [first, second, third] = q.items;
    expect(first).toMatchObject({
      versionId: old.version.id,
      versionNumber: 1,
      tier: "support",
      campaign: "spring",
      designer: "Quinn Designer",
      prompt: "a ceramic mug on a wooden table",
      enteredReviewAt: old.asset.enteredReviewAt!.toISOString(),
      overSla: true,
      checkVerdict: "pass",
      checks: [],
      approvals: 0,
      approvalsNeeded: 1,
      claimedByMe: false,
      thumbUrl: null,
    });
    expect(first!.ageMinutes).toBeGreaterThanOrEqual(25 * 60);
    expect(first!.ageMinutes).toBeLessThan(25 * 60 + 2);
    expect(first!.originalUrl).toBe(`/api/blobs/${old.version.blobKey}`);
    expect(second).toMatchObject({
      tier: "hero",
      overSla: false,
      approvalsNeeded: 2,
      prompt: "a hero shot",
      campaign: null,
    });
    expect(second!.ageMinutes).toBeGreaterThanOrEqual(179);
    expect(second!.ageMinutes).toBeLessThan(182);
    expect(third).toMatchObject({ checkVerdict: "warn", overSla: false });
  });

  it("the SLA boundary: exactly 24 h is over, just under is not", async () => {
    const edge = await createAssetInReview(db(), {
      ownerId: quinn.actor.id,
      enteredReviewAt: new Date(Date.now() - 24 * HOUR - 1000),
    });
    const under = await createAssetInReview(db(), {
      ownerId: quinn.actor.id,
      enteredReviewAt: new Date(Date.now() - 24 * HOUR + 120_000),
    });
    const q = await listReviewQueue({ ctx: rita, input: { designerId: quinn.actor.id } });
    expect(q.items.find((i) => i.assetId === edge.asset.id)).toMatchObject({ overSla: true, ageMinutes: 24 * 60 });
    expect(q.items.find((i) => i.assetId === under.asset.id)).toMatchObject({ overSla: false });
    for (const f of [edge, under]) await decideAsset({ ctx: cleo, input: approve(f) });
  });

  it("filters by tier, designer, campaign, preset and check warnings, with a total that matches", async () => {
    const byTier = await listReviewQueue({ ctx: rita, input: { designerId: quinn.actor.id, tier: "hero" } });
    expect(byTier.items.map((i) => i.assetId)).toEqual([hero.asset.id]);
    expect(byTier.total).toBe(1);

    const byCampaign = await listReviewQueue({ ctx: rita, input: { designerId: quinn.actor.id, campaign: "spring" } });
    expect(byCampaign.items.map((i) => i.assetId)).toEqual([old.asset.id, warned.asset.id]);
    expect(byCampaign.total).toBe(2);

    const [heroPreset] = (await listActivePresets(db())).filter((p) => p.preset.tier === "hero");
    const byPreset = await listReviewQueue({
      ctx: rita,
      input: { designerId: quinn.actor.id, presetId: heroPreset!.preset.id },
    });
    expect(byPreset.items.map((i) => i.assetId)).toEqual([hero.asset.id]);

    const onlyWarn = await listReviewQueue({ ctx: rita, input: { designerId: quinn.actor.id, warnings: "only" } });
    expect(onlyWarn.items.map((i) => i.assetId)).toEqual([warned.asset.id]);
    expect(onlyWarn.total).toBe(1);
    const noWarn = await listReviewQueue({ ctx: rita, input: { designerId: quinn.actor.id, warnings: "none" } });
    expect(noWarn.items.map((i) => i.assetId)).toEqual([old.asset.id, hero.asset.id]);
    expect(noWarn.total).toBe(2);

    const otherDesigner = await listReviewQueue({ ctx: rita, input: { designerId: designer2.actor.id } });
    expect(otherDesigner).toMatchObject({ items: [], total: 0 });

    await expect(listReviewQueue({ ctx: rita, input: { tier: "gold" } })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(listReviewQueue({ ctx: designer, input: {} })).rejects.toMatchObject({
      code: "forbidden",
      message: "Only reviewers work the review queue.",
    });
    await expect(listReviewQueue({ ctx: finance, input: {} })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a reviewer never sees their own work, nor work they edited", async () => {
    const own = await createAssetInReview(db(), { ownerId: ben.actor.id });
    const edited = await createAssetInReview(db(), { ownerId: quinn.actor.id });
    await addAssetVersion(db(), edited.asset.id, { createdBy: ben.actor.id });
    const bens = await listReviewQueue({ ctx: ben, input: {} });
    expect(bens.items.some((i) => i.assetId === own.asset.id || i.assetId === edited.asset.id)).toBe(false);
    const ritas = await listReviewQueue({ ctx: rita, input: {} });
    expect(ritas.items.map((i) => i.assetId)).toEqual(expect.arrayContaining([own.asset.id, edited.asset.id]));
    expect(ritas.items.find((i) => i.assetId === edited.asset.id)).toMatchObject({ versionNumber: 2 });
    for (const f of [own, edited]) {
      const [a] = await db().select().from(assets).where(eq(assets.id, f.asset.id));
      await decideAsset({
        ctx: rita,
        input: { assetId: f.asset.id, assetVersionId: a!.currentVersionId, decision: "approve" },
      });
    }
  });

  it("after approving a hero asset once, that reviewer no longer sees it; another does, at 1 of 2", async () => {
    const countBefore = { rita: await reviewQueueCount(rita), ben: await reviewQueueCount(ben) };
    await decideAsset({ ctx: rita, input: approve(hero) });
    const ritas = await listReviewQueue({ ctx: rita, input: { designerId: quinn.actor.id } });
    expect(ritas.items.map((i) => i.assetId)).toEqual([old.asset.id, warned.asset.id]);
    const bens = await listReviewQueue({ ctx: ben, input: { designerId: quinn.actor.id } });
    expect(bens.items.find((i) => i.assetId === hero.asset.id)).toMatchObject({ approvals: 1, approvalsNeeded: 2 });
    expect(await reviewQueueCount(rita)).toBe(countBefore.rita - 1);
    expect(await reviewQueueCount(ben)).toBe(countBefore.ben);
  });

  it("reviewQueueCount matches the queue's total, and is zero for other roles", async () => {
    for (const ctx of [rita, ben, cleo, admin]) {
      const q = await listReviewQueue({ ctx, input: {} });
      expect(await reviewQueueCount(ctx)).toBe(q.total);
      expect(q.items.length).toBe(Math.min(q.total, 200));
    }
    expect(await reviewQueueCount(designer)).toBe(0);
    expect(await reviewQueueCount(finance)).toBe(0);
  });
});

describe("undo", () => {
  it("a reviewer takes back their own decision within the window", async () => {
    const f = await inReview();
    const out = await decideAsset({ ctx: rita, input: approve(f) });
    expect((await assetRow(f.asset.id)).approvalId).toMatch(APPROVAL_ID);

    await expect(undoDecision({ ctx: ben, input: { decisionId: out.decision.id } })).rejects.toMatchObject({
      code: "not_found",
      message: "That decision does not exist or is not yours.",
    });
    expect(await assetRow(f.asset.id)).toMatchObject({ status: "approved" });

    expect(await undoDecision({ ctx: rita, input: { decisionId: out.decision.id } })).toEqual({ assetId: f.asset.id });
    expect(await assetRow(f.asset.id)).toMatchObject({ status: "in_review", approvalId: null, approvedAt: null });
    const [decision] = await decisionsOf(f.asset.id);
    expect(decision!.undoneAt).toBeInstanceOf(Date);
    expect(decision!.approvalId).toBe(out.decision.approvalId); // the record stays
    const told = await notificationsOf(f.asset.id);
    expect(told.map((n) => [n.userId, n.kind, n.message])).toEqual([
      [designer.actor.id, "review.approve", expect.any(String)],
      [
        designer.actor.id,
        "review.undone",
        "Rita Reviewer took back their decision (approved); the asset is back in review.",
      ],
    ]);
    expect((await auditFor(f.asset.id, "review.undone")).map((e) => e.data)).toEqual([
      { decisionId: out.decision.id, decision: "approve" },
    ]);

    await expect(undoDecision({ ctx: rita, input: { decisionId: out.decision.id } })).rejects.toMatchObject({
      code: "conflict",
      message: "That decision was already undone.",
    });
    // Back in Rita's queue, and she may decide again.
    expect(
      (await listReviewQueue({ ctx: rita, input: { designerId: designer.actor.id } })).items.some(
        (i) => i.assetId === f.asset.id,
      ),
    ).toBe(true);
    const again = await decideAsset({ ctx: rita, input: approve(f) });
    expect(again.status).toBe("approved");
  });

  it("undoing a rejection or a change request clears its reason", async () => {
    for (const input of [
      { decision: "reject", reasonCode: "nsfw_unsafe" },
      { decision: "request_changes", comment: "Less glare" },
    ]) {
      const f = await inReview();
      const out = await decideAsset({ ctx: ben, input: { ...approve(f), ...input } });
      await undoDecision({ ctx: ben, input: { decisionId: out.decision.id } });
      expect(await assetRow(f.asset.id)).toMatchObject({
        status: "in_review",
        statusReason: null,
        approvalId: null,
        rejectedAt: null,
      });
    }
  });

  it("is refused after the window", async () => {
    const f = await inReview();
    const out = await decideAsset({ ctx: rita, input: approve(f) });
    await db()
      .update(reviewDecisions)
      .set({ createdAt: new Date(Date.now() - UNDO_WINDOW_MS - 60_000) })
      .where(eq(reviewDecisions.id, out.decision.id));
    await expect(undoDecision({ ctx: rita, input: { decisionId: out.decision.id } })).rejects.toMatchObject({
      code: "conflict",
      message: "Decisions can be undone for 60 seconds; this one stands.",
    });
    expect(await assetRow(f.asset.id)).toMatchObject({ status: "approved", approvalId: out.decision.approvalId });
    expect((await decisionsOf(f.asset.id))[0]!.undoneAt).toBeNull();
  });

  it("is refused once someone acted since; the completing approval of a hero asset can be taken back", async () => {
    const f = await inReview({ tier: "hero" });
    const first = await decideAsset({ ctx: rita, input: approve(f) });
    const second = await decideAsset({ ctx: ben, input: approve(f) });
    await expect(undoDecision({ ctx: rita, input: { decisionId: first.decision.id } })).rejects.toMatchObject({
      code: "conflict",
      message: "Someone acted on this asset since; the decision can no longer be undone.",
    });
    await undoDecision({ ctx: ben, input: { decisionId: second.decision.id } });
    expect(await assetRow(f.asset.id)).toMatchObject({ status: "in_review", approvalId: null });
    // Rita's approval still counts: Cleo completes it.
    const third = await decideAsset({ ctx: cleo, input: approve(f) });
    expect(third).toMatchObject({ status: "approved", approvals: 2 });

    // A new version also ends the undo.
    const g = await inReview({ tier: "hero" });
    const only = await decideAsset({ ctx: rita, input: approve(g) });
    await addAssetVersion(db(), g.asset.id, { createdBy: designer.actor.id });
    await expect(undoDecision({ ctx: rita, input: { decisionId: only.decision.id } })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("Someone acted on this asset since"),
    });
  });

  it("two undos of the same decision at once: one wins, the other is told it was already undone", async () => {
    const f = await inReview();
    const out = await decideAsset({ ctx: rita, input: approve(f) });
    const results = await Promise.allSettled([
      undoDecision({ ctx: rita, input: { decisionId: out.decision.id } }),
      undoDecision({ ctx: rita, input: { decisionId: out.decision.id } }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []))).toEqual([
      expect.objectContaining({ code: "conflict", message: "That decision was already undone." }),
    ]);
    expect(await auditFor(f.asset.id, "review.undone")).toHaveLength(1);
    expect((await notificationsOf(f.asset.id)).map((n) => n.kind)).toEqual(["review.approve", "review.undone"]);
  });

  it("refuses malformed ids", async () => {
    await expect(undoDecision({ ctx: rita, input: { decisionId: "x" } })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { decisionId: ["Unknown decision."] },
    });
  });
});

describe("bulk approve", () => {
  it("approves what it may and reports what a rule refused, without failing the rest", async () => {
    const a = await inReview();
    const own = await createAssetInReview(db(), { ownerId: cleo.actor.id });
    const b = await inReview();
    const stale = await inReview();
    await addAssetVersion(db(), stale.asset.id);
    const done = await inReview();
    await decideAsset({ ctx: rita, input: approve(done) });
    const heroAsset = await inReview({ tier: "hero" });

    const out = await bulkApprove({
      ctx: cleo,
      input: {
        items: [a, own, b, stale, done, heroAsset].map((f) => ({ assetId: f.asset.id, assetVersionId: f.version.id })),
      },
    });
    expect(out.approved).toEqual([a.asset.id, b.asset.id]);
    expect(out.partial).toEqual([heroAsset.asset.id]);
    expect(out.refused).toEqual([
      { assetId: own.asset.id, message: "You generated or edited this asset, so another reviewer must decide on it." },
      {
        assetId: stale.asset.id,
        message: "This asset has a newer version than the one you reviewed; open it again to see the current version.",
      },
      { assetId: done.asset.id, message: "Already decided by Rita Reviewer (approve): this asset is approved." },
    ]);
    for (const f of [a, b]) expect((await assetRow(f.asset.id)).approvalId).toMatch(APPROVAL_ID);
    // A hero asset gets Cleo's approval, 1 of 2: it stays in review.
    expect(await assetRow(heroAsset.asset.id)).toMatchObject({ status: "in_review", approvalId: null });
    expect(await decisionsOf(heroAsset.asset.id)).toHaveLength(1);
    for (const f of [own, stale]) await expectUntouched(f.asset.id);
    expect(await decisionsOf(done.asset.id)).toHaveLength(1);
  });

  it("validates the selection and the role", async () => {
    await expect(bulkApprove({ ctx: rita, input: { items: [] } })).rejects.toMatchObject({
      code: "invalid_input",
      message: "items: Select assets to approve.",
    });
    const f = await inReview();
    const items = Array.from({ length: 101 }, () => ({ assetId: f.asset.id, assetVersionId: f.version.id }));
    await expect(bulkApprove({ ctx: rita, input: { items } })).rejects.toMatchObject({
      code: "invalid_input",
      message: "items: Approve at most 100 at once.",
    });
    const out = await bulkApprove({
      ctx: designer2,
      input: { items: [{ assetId: f.asset.id, assetVersionId: f.version.id }] },
    });
    expect(out).toEqual({
      approved: [],
      partial: [],
      refused: [{ assetId: f.asset.id, message: "Only reviewers decide on assets." }],
    });
    await expectUntouched(f.asset.id);
  });
});

describe("notifications", () => {
  it("the owner reads their decisions, newest first, and marks them read", async () => {
    const owner = ctxFor(db(), await createUserFactory(db(), { role: "designer", name: "Nora Designer" }));
    const f = await createAssetInReview(db(), { ownerId: owner.actor.id });
    const g = await createAssetInReview(db(), { ownerId: owner.actor.id });
    await decideAsset({ ctx: rita, input: approve(f) });
    await decideAsset({ ctx: ben, input: { ...approve(g), decision: "reject", reasonCode: "likeness_person" } });
    const list = await listNotifications({ ctx: owner });
    expect(list.map((n) => [n.assetId, n.kind, n.read])).toEqual([
      [g.asset.id, "review.reject", false],
      [f.asset.id, "review.approve", false],
    ]);
    expect(await unreadNotificationCount(owner)).toBe(2);
    // Someone else's ids are ignored.
    await markNotificationsRead({ ctx: designer, input: { ids: [list[0]!.id] } });
    expect(await unreadNotificationCount(owner)).toBe(2);
    await markNotificationsRead({ ctx: owner, input: { ids: [list[0]!.id] } });
    expect(await unreadNotificationCount(owner)).toBe(1);
    await markNotificationsRead({ ctx: owner, input: {} });
    expect(await unreadNotificationCount(owner)).toBe(0);
    expect((await listNotifications({ ctx: owner })).every((n) => n.read)).toBe(true);
    expect(await listNotifications({ ctx: rita })).toEqual([]);
  });
});

describe("audit", () => {
  it("every decision writes a chained review.decided event, and the chain verifies", async () => {
    const f = await inReview({ tier: "hero" });
    const a = await decideAsset({ ctx: rita, input: { ...approve(f), comment: "fine by me" } });
    const b = await decideAsset({ ctx: ben, input: approve(f) });
    const g = await inReview();
    const c = await decideAsset({
      ctx: cleo,
      input: { ...approve(g), decision: "reject", reasonCode: "regulated_claim", comment: "x".repeat(600) },
    });

    const events = await auditFor(f.asset.id, "review.decided");
    expect(events.map((e) => [e.actorId, e.actorEmail, e.subjectType, e.ip, e.data])).toEqual([
      [
        rita.actor.id,
        rita.actor.email,
        "asset",
        "203.0.113.7",
        {
          decisionId: a.decision.id,
          version: f.version.id,
          decision: "approve",
          comment: "fine by me",
          status: "in_review",
          approvals: "1/2",
        },
      ],
      [
        ben.actor.id,
        ben.actor.email,
        "asset",
        "203.0.113.7",
        {
          decisionId: b.decision.id,
          version: f.version.id,
          decision: "approve",
          status: "approved",
          approvals: "2/2",
          approvalId: b.decision.approvalId,
        },
      ],
    ]);
    const [rejected] = await auditFor(g.asset.id, "review.decided");
    expect(rejected!.data).toEqual({
      decisionId: c.decision.id,
      version: g.version.id,
      decision: "reject",
      reasonCode: "regulated_claim",
      comment: "x".repeat(500),
      status: "rejected",
      approvals: "0/1",
    });

    // Every decision ever made in this file left exactly one event, each linked to the event before it.
    const all = await db().select().from(auditEvents).orderBy(asc(auditEvents.seq));
    const [decisionCount] = await db().select({ n: count() }).from(reviewDecisions);
    const decided = all.filter((e) => e.action === "review.decided");
    expect(decided).toHaveLength(decisionCount!.n);
    for (const e of decided) {
      const i = all.indexOf(e);
      expect(e.prevHash).toBe(i === 0 ? GENESIS_HASH : all[i - 1]!.hash);
    }
    expect(await verifyAuditChain({ db: db() })).toEqual({ ok: true, checked: all.length, headHash: all.at(-1)!.hash });
    // Tampering with a row is covered by lib/audit/audit.test.ts ("reports the first broken link").
  });
});

describe("reject reasons", () => {
  it("are seeded in order, and only admins add them, with a unique, well-formed code", async () => {
    expect((await listRejectReasons(db())).map((r) => r.code)).toEqual(SEED_REJECT_REASONS.map((r) => r.code));

    await expect(
      addRejectReason({ ctx: rita, input: { code: "color_cast", label: "Colour cast" } }),
    ).rejects.toMatchObject({
      code: "forbidden",
      message: "Only admins manage the reject reasons.",
    });
    await expect(addRejectReason({ ctx: admin, input: { code: "Bad Code!", label: "Bad" } })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { code: ["Codes are 2–40 lower-case letters, digits and underscores, starting with a letter."] },
    });
    await expect(addRejectReason({ ctx: admin, input: { code: "x", label: "X" } })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { code: expect.any(Array) },
    });
    await expect(addRejectReason({ ctx: admin, input: { code: "color_cast", label: "" } })).rejects.toMatchObject({
      code: "invalid_input",
      fields: { label: ["Enter a label."] },
    });
    await expect(
      addRejectReason({ ctx: admin, input: { code: "quality", label: "Quality again" } }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: 'The code "quality" already exists.',
      fields: { code: ["Already in use."] },
    });

    const added = await addRejectReason({ ctx: admin, input: { code: " color_cast ", label: "Colour cast" } });
    expect(added).toMatchObject({
      code: "color_cast",
      label: "Colour cast",
      active: true,
      position: SEED_REJECT_REASONS.length + 1,
    });
    expect((await listRejectReasons(db())).at(-1)!.code).toBe("color_cast");
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.action, "reject_reason.added"));
    expect(audit).toMatchObject({
      actorId: admin.actor.id,
      subjectId: added.id,
      data: { code: "color_cast", label: "Colour cast" },
    });
    const [n] = await db().select({ n: count() }).from(rejectReasons).where(eq(rejectReasons.code, "color_cast"));
    expect(n!.n).toBe(1);
  });

  it("a retired reason disappears from the active list and from what a reviewer may pick; restoring brings it back", async () => {
    const [reason] = await db().select().from(rejectReasons).where(eq(rejectReasons.code, "color_cast"));
    await expect(setRejectReasonActive({ ctx: rita, input: { id: reason!.id, active: false } })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(
      setRejectReasonActive({ ctx: admin, input: { id: "00000000-0000-4000-8000-000000000000", active: false } }),
    ).rejects.toMatchObject({
      code: "not_found",
      message: "That reason does not exist.",
    });

    const retired = await setRejectReasonActive({ ctx: admin, input: { id: reason!.id, active: false } });
    expect(retired.active).toBe(false);
    expect((await listRejectReasons(db())).some((r) => r.code === "color_cast")).toBe(false);
    expect((await listRejectReasons(db(), { activeOnly: false })).find((r) => r.code === "color_cast")).toMatchObject({
      active: false,
    });
    const f = await inReview();
    await expect(
      decideAsset({ ctx: rita, input: { ...approve(f), decision: "reject", reasonCode: "color_cast" } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: "Pick a reason from the list.",
      fields: { reasonCode: ["Unknown reason."] },
    });
    await expectUntouched(f.asset.id);

    await setRejectReasonActive({ ctx: admin, input: { id: reason!.id, active: true } });
    expect((await listRejectReasons(db())).some((r) => r.code === "color_cast")).toBe(true);
    expect(
      (await decideAsset({ ctx: rita, input: { ...approve(f), decision: "reject", reasonCode: "color_cast" } })).status,
    ).toBe("rejected");
    const actions = (
      await db().select().from(auditEvents).where(eq(auditEvents.subjectId, reason!.id)).orderBy(auditEvents.seq)
    ).map((e) => e.action);
    expect(actions).toEqual(["reject_reason.added", "reject_reason.retired", "reject_reason.restored"]);
  });
});

describe("end to end", () => {
  it("a generated support image goes through the real checks into the queue, and one approval makes it approved", async () => {
    const [product] = await db().select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
    const { version } = await getActiveTemplate(db(), product!.id);
    const [support] = (await listActivePresets(db())).filter((p) => p.preset.tier === "support");
    const { batch } = await queueBatch({
      ctx: designer2,
      input: {
        templateId: product!.id,
        presetId: support!.preset.id,
        variantsPerRow: 1,
        aspectRatios: ["1:1"],
        rows: [{ line: 1, values: initialValuesFor(version.definition) }],
        idempotencyKey: "review-e2e-0001-abcdef",
        campaign: "e2e",
      },
    });
    // The simulator draws from the seed, which is random per batch; pin it so the NSFW model always sees the same (clean) picture.
    const [gen] = await db().update(generations).set({ seed: 1 }).where(eq(generations.batchId, batch.id)).returning();
    const run = await runGeneration({ db: db(), store: getBlobStore(), generationId: gen!.id, attempt: 0 });
    expect(run.status).toBe("succeeded");
    const renditions = await makeGenerationRenditions({ db: db(), store: getBlobStore(), generationId: gen!.id });
    for (const step of checkSteps("support"))
      await runChecks({ db: db(), store: getBlobStore(), checkRunId: run.checkRunId!, checkIds: step.checkIds });
    const { decision } = await decideCheckRun({ db: db(), checkRunId: run.checkRunId! });
    expect(decision, JSON.stringify(decision)).toMatchObject({ verdict: "pass", next: "in_review" });

    const [asset] = await db().select().from(assets).where(eq(assets.generationId, gen!.id));
    expect(asset).toMatchObject({ status: "in_review", ownerId: designer2.actor.id });
    const queue = await listReviewQueue({ ctx: rita, input: { designerId: designer2.actor.id } });
    expect(queue.items).toHaveLength(1);
    const item = queue.items[0]!;
    expect(item).toMatchObject({
      assetId: asset!.id,
      versionId: asset!.currentVersionId,
      tier: "support",
      designer: "Dev Designer",
      prompt: gen!.prompt,
      checkVerdict: "pass",
    });
    expect(item.checks.map((c) => c.checkId).sort()).toEqual(
      checkSteps("support")
        .flatMap((s) => s.checkIds)
        .sort(),
    );
    expect(item.checks.every((c) => c.verdict === "pass" && !c.errored)).toBe(true);
    expect(item).toMatchObject({
      thumbUrl: `/api/blobs/${renditions.thumb}`,
      previewUrl: `/api/blobs/${renditions.preview}`,
    });

    // The designer cannot approve their own image; a reviewer can.
    await expect(
      decideAsset({
        ctx: designer2,
        input: { assetId: item.assetId, assetVersionId: item.versionId, decision: "approve" },
      }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    const out = await decideAsset({
      ctx: rita,
      input: { assetId: item.assetId, assetVersionId: item.versionId, decision: "approve" },
    });
    expect(out).toMatchObject({ status: "approved", approvals: 1, approvalsNeeded: 1 });
    expect(await assetRow(asset!.id)).toMatchObject({ status: "approved", approvalId: out.decision.approvalId });
    expect((await listNotifications({ ctx: designer2 })).map((n) => n.kind)).toEqual(["review.approve"]);
    expect((await listReviewQueue({ ctx: ben, input: { designerId: designer2.actor.id } })).items).toEqual([]);
    const ids = (await decisionsOf(asset!.id)).map((d) => d.id);
    expect(ids).toEqual([out.decision.id]);
    expect(await db().select().from(reviewDecisions).where(inArray(reviewDecisions.id, ids))).toHaveLength(1);
  });
});
