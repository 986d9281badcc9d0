import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { batches, campaignHolds, type CampaignHold } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { announceResume, type ResumingChange } from "@/lib/generation/resume-sender";
import { assertCanManageBudgets } from "./access";
import { budgetRecipients, notifyUsers } from "./recipients";

export async function activeHold(db: DbExecutor, campaign: string): Promise<CampaignHold | undefined> {
  const [hold] = await db
    .select()
    .from(campaignHolds)
    .where(and(eq(campaignHolds.campaign, campaign), isNull(campaignHolds.releasedAt)))
    .orderBy(desc(campaignHolds.heldAt))
    .limit(1);
  return hold;
}

/** Serialises hold changes per campaign, so two concurrent stop-loss decisions create one hold. */
export async function lockCampaign(db: DbExecutor, campaign: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`kiln-campaign-hold:${campaign}`}))`);
}

/** Puts a campaign on hold (its queued work waits) unless it already is; audited and announced. */
export async function holdCampaign(
  db: DbExecutor,
  input: {
    campaign: string;
    reason: "stop_loss" | "manual";
    detail: string;
    heldBy: { id: string; email: string } | null;
  },
): Promise<CampaignHold | null> {
  return db.transaction(async (tx) => {
    await lockCampaign(tx, input.campaign);
    if (await activeHold(tx, input.campaign)) return null;
    const [hold] = await tx
      .insert(campaignHolds)
      .values({
        campaign: input.campaign,
        reason: input.reason,
        detail: input.detail,
        heldBy: input.heldBy?.id ?? null,
      })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: input.heldBy,
        action: "campaign.held",
        subject: { type: "campaign_hold", id: hold!.id },
        data: { campaign: input.campaign, reason: input.reason, detail: input.detail },
      },
    });
    await notifyUsers(
      tx,
      await budgetRecipients(tx, null),
      "budget.campaign_held",
      `Campaign “${input.campaign}” is on hold (${input.reason.replace("_", "-")}): ${input.detail} Its queued work waits until someone releases it on Budgets.`,
    );
    return hold!;
  });
}

const manualHoldInput = z.object({
  campaign: z.string().trim().min(1, "Name the campaign.").max(200, "Campaign names are at most 200 characters."),
  detail: z
    .string()
    .trim()
    .min(1, "Say why: everyone sees it in the status banner and on the Jobs page.")
    .max(300, "Keep the reason under 300 characters."),
});

/**
 * Pauses a campaign by hand (reason "manual"): the same hold a stop-loss makes, so its queued work
 * waits at the next call-time check and goes on when someone releases it. Finance and admins.
 */
export async function holdCampaignByHand({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CampaignHold> {
  assertCanManageBudgets(ctx);
  const { campaign, detail } = parseInput(manualHoldInput, input);
  const hold = await holdCampaign(ctx.db, {
    campaign,
    reason: "manual",
    detail,
    heldBy: { id: ctx.actor.id, email: ctx.actor.email },
  });
  if (!hold) throw new AppError("conflict", `Campaign “${campaign}” is already on hold.`);
  return hold;
}

/** Campaigns work was queued for, newest first: what the pause form offers. */
export async function knownCampaigns({ ctx }: { ctx: Ctx }): Promise<string[]> {
  assertCanManageBudgets(ctx);
  const rows = await ctx.db
    .select({ campaign: batches.campaign, last: sql<string>`max(${batches.createdAt})` })
    .from(batches)
    .where(isNotNull(batches.campaign))
    .groupBy(batches.campaign)
    .orderBy(sql`max(${batches.createdAt}) desc`)
    .limit(200);
  return rows.map((r) => r.campaign!);
}

const releaseInput = z.object({ holdId: z.string().uuid("Unknown hold.") });

/**
 * Releases a hold. Finance and admins. The campaign's waiting work goes on at once when `resumed`
 * wakes it (after the commit), else at its next poll.
 */
export async function releaseHold({ ctx, input, resumed }: ResumingChange): Promise<CampaignHold> {
  assertCanManageBudgets(ctx);
  const { holdId } = parseInput(releaseInput, input);
  const released = await ctx.db.transaction(async (tx) => {
    const [hold] = await tx
      .update(campaignHolds)
      .set({ releasedAt: new Date(), releasedBy: ctx.actor.id })
      .where(and(eq(campaignHolds.id, holdId), isNull(campaignHolds.releasedAt)))
      .returning();
    if (!hold) throw new AppError("conflict", "That hold does not exist or was already released.");
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "campaign.released",
        subject: { type: "campaign_hold", id: hold.id },
        data: { campaign: hold.campaign, reason: hold.reason },
        ip: ctx.ip,
      },
    });
    return hold;
  });
  await announceResume(resumed, { scope: "budgets" });
  return released;
}

export type HoldView = { id: string; campaign: string; reason: string; detail: string | null; heldAt: string };

export async function listActiveHolds({ ctx }: { ctx: Ctx }): Promise<HoldView[]> {
  assertCanManageBudgets(ctx);
  const rows = await ctx.db
    .select()
    .from(campaignHolds)
    .where(isNull(campaignHolds.releasedAt))
    .orderBy(desc(campaignHolds.heldAt));
  return rows.map((h) => ({
    id: h.id,
    campaign: h.campaign,
    reason: h.reason,
    detail: h.detail,
    heldAt: h.heldAt.toISOString(),
  }));
}
