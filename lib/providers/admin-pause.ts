import { eq } from "drizzle-orm";
import { providers } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { parseInput } from "@/lib/errors";
import { announceResume, type ResumingChange } from "@/lib/generation/resume-sender";
import { assertCanManageProviders, loadProviderForUpdate } from "./admin-common";
import { toAdminProvider, type AdminProvider } from "./admin-list";
import { setPausedInput } from "./admin-schemas";

/**
 * The kill switch for one endpoint. Pausing never drops work: the generate function sees the flag
 * before each call and parks queued work (durable waits) until the endpoint is resumed, or until
 * an admin moves it to a fallback preset (admin-fallback.ts). Calls already in flight finish. A
 * resume is announced with `resumed` once it has committed, so parked work starts again at once.
 */
export async function setProviderPaused({ ctx, input, resumed }: ResumingChange): Promise<AdminProvider> {
  assertCanManageProviders(ctx);
  const { providerId, paused, reason } = parseInput(setPausedInput, input);
  let wasPaused = false;
  const result = await ctx.db.transaction(async (tx) => {
    const before = await loadProviderForUpdate(tx, providerId);
    wasPaused = before.paused;
    const pausedAt = new Date();
    if (before.paused === paused && (!paused || before.pausedReason === reason)) {
      return toAdminProvider(before, { queuedCount: 0, pausedSince: null });
    }
    const [row] = await tx
      .update(providers)
      .set({ paused, pausedReason: paused ? reason! : null, updatedAt: pausedAt })
      .where(eq(providers.id, providerId))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        // A new reason on an already paused endpoint is an edit: "paused since" keeps its time.
        action: !paused ? "provider.resumed" : before.paused ? "provider.updated" : "provider.paused",
        subject: { type: "provider", id: providerId },
        data: !paused
          ? { slug: before.slug, wasPausedFor: before.pausedReason }
          : before.paused
            ? { slug: before.slug, changes: { pausedReason: { from: before.pausedReason, to: reason } } }
            : { slug: before.slug, reason },
        ip: ctx.ip,
      },
    });
    return toAdminProvider(row!, { queuedCount: 0, pausedSince: paused && !before.paused ? pausedAt : null });
  });
  if (wasPaused && !paused) await announceResume(resumed, { scope: "endpoint", providerId });
  return result;
}
