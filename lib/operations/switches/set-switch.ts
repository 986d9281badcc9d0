import { z } from "zod";
import { SYSTEM_SWITCHES, systemSwitches, type SystemSwitch } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { announceResume, type ResumingChange } from "@/lib/generation/resume-sender";
import { eq, sql } from "drizzle-orm";

const setSwitchInput = z
  .object({
    key: z.enum(SYSTEM_SWITCHES, { message: "Unknown switch." }),
    enabled: z.boolean(),
    reason: z.string().trim().max(300, "Keep the reason under 300 characters.").optional(),
  })
  .refine((v) => !v.enabled || (v.reason && v.reason.length > 0), {
    message: "Say why: users see the reason in the status banner.",
    path: ["reason"],
  });

export const SWITCH_LABELS = {
  uploads_disabled: "Uploads disabled",
  generation_paused: "All generation paused",
} as const;

export function assertCanOperate(ctx: Ctx): void {
  if (!can(ctx.actor.role, "operations.manage"))
    throw new AppError("forbidden", "Only admins change the installation's switches.");
}

/**
 * Turns a kill switch on or off. Takes effect for the next upload or generation in every process
 * (nothing caches it); queued generations wait while generation is paused and go on when resumed:
 * at once when `resumed` announces it (after the commit), else at their next poll.
 */
export async function setSwitch({ ctx, input, resumed }: ResumingChange): Promise<SystemSwitch> {
  assertCanOperate(ctx);
  const { key, enabled, reason } = parseInput(setSwitchInput, input);
  let turnedOff = false;
  const result = await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(systemSwitches).where(eq(systemSwitches.key, key)).for("update").limit(1);
    const wasOn = before?.enabled ?? false;
    // Nothing changes: no new "since", no audit event.
    if (before && wasOn === enabled && (!enabled || before.reason === reason)) return before;
    const now = new Date();
    const [row] = await tx
      .insert(systemSwitches)
      .values({ key, enabled, reason: enabled ? reason! : null, changedBy: ctx.actor.id, changedAt: now })
      .onConflictDoUpdate({
        target: systemSwitches.key,
        set: {
          enabled,
          reason: enabled ? reason! : null,
          changedBy: ctx.actor.id,
          changedAt: sql`excluded.changed_at`,
        },
      })
      .returning();
    if (!before && !enabled) return row!;
    turnedOff = wasOn && !enabled;
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: enabled ? "system.switch_on" : "system.switch_off",
        subject: { type: "system_switch", id: key },
        data: enabled
          ? { key, reason, ...(wasOn ? { previousReason: before?.reason } : {}) }
          : { key, wasOnFor: before?.reason ?? null },
        ip: ctx.ip,
      },
    });
    return row!;
  });
  if (turnedOff && key === "generation_paused") await announceResume(resumed, { scope: "all" });
  return result;
}
