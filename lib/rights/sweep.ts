import { and, eq, isNotNull, isNull, lte } from "drizzle-orm";
import type { Db } from "@/db";
import { assets, notifications, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { webhooksAfterRightsNotice } from "@/lib/webhooks/hooks";
import { RIGHTS_WARNING_DAYS, rightsLabel } from "./status";

export type SweepResult = { notified: string[] };

/**
 * The week-before notice: every asset whose rights end within RIGHTS_WARNING_DAYS (or have ended
 * without a notice, e.g. the sweep did not run) and whose notice has not gone out for this expiry.
 * Each asset is claimed with a conditional update (notice still unsent, expiry unchanged), so two
 * sweeps running at once, or a retried one, notify exactly once per expiry.
 */
export async function sweepRightsExpiry({
  db,
  now = new Date(),
  limit = 500,
}: {
  db: Db;
  now?: Date;
  limit?: number;
}): Promise<SweepResult> {
  const horizon = new Date(now.getTime() + RIGHTS_WARNING_DAYS * 86_400_000);
  const due = await db
    .select({ id: assets.id, ownerId: assets.ownerId, title: assets.title, expiresAt: assets.rightsExpiresAt })
    .from(assets)
    .where(
      and(isNotNull(assets.rightsExpiresAt), lte(assets.rightsExpiresAt, horizon), isNull(assets.rightsNoticeSentAt)),
    )
    .orderBy(assets.rightsExpiresAt)
    .limit(limit);
  const notified: string[] = [];
  for (const a of due) {
    const sent = await db.transaction(async (tx) => {
      const claimed = await tx
        .update(assets)
        .set({ rightsNoticeSentAt: now })
        .where(and(eq(assets.id, a.id), isNull(assets.rightsNoticeSentAt), eq(assets.rightsExpiresAt, a.expiresAt!)))
        .returning({ id: assets.id });
      if (!claimed.length) return false;
      const reviewers = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.active, true), eq(users.role, "reviewer")));
      const recipients = [...new Set([a.ownerId, ...reviewers.map((r) => r.id)])];
      const when = rightsLabel(a.expiresAt, now)!;
      const message = `Usage rights of “${a.title || "Untitled asset"}”: ${when.charAt(0).toLowerCase()}${when.slice(1)}. After that it is left out of exports and share links.`;
      await tx
        .insert(notifications)
        .values(recipients.map((userId) => ({ userId, assetId: a.id, kind: "rights_expiring", message })));
      await recordAudit({
        db: tx,
        input: {
          actor: null,
          action: "asset.rights_expiry_notified",
          subject: { type: "asset", id: a.id },
          data: { expiresAt: a.expiresAt!.toISOString(), recipients: recipients.length },
        },
      });
      return true;
    });
    if (sent) notified.push(a.id);
    if (sent) await webhooksAfterRightsNotice({ db }, a.id);
  }
  return { notified };
}
