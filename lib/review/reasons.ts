import { asc, count, eq, max } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { rejectReasons, type RejectReason } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { SEED_REJECT_REASON_LABELS } from "@/lib/labels";

/** The taxonomy every installation starts with (the legal team's usual reasons); labels from lib/labels. */
export const SEED_REJECT_REASONS: { code: string; label: string }[] = Object.entries(SEED_REJECT_REASON_LABELS).map(
  ([code, label]) => ({ code, label }),
);

/** Seeds the taxonomy once (when the table is empty); never touches an admin's changes. */
export async function seedRejectReasons(db: DbExecutor): Promise<void> {
  const [row] = await db.select({ n: count() }).from(rejectReasons);
  if ((row?.n ?? 0) > 0) return;
  await db
    .insert(rejectReasons)
    .values(SEED_REJECT_REASONS.map((r, i) => ({ ...r, position: i + 1 })))
    .onConflictDoNothing();
}

export async function listRejectReasons(db: DbExecutor, { activeOnly = true } = {}): Promise<RejectReason[]> {
  const rows = await db.select().from(rejectReasons).orderBy(asc(rejectReasons.position));
  return activeOnly ? rows.filter((r) => r.active) : rows;
}

const addInput = z.object({
  code: z
    .string()
    .trim()
    .regex(
      /^[a-z][a-z0-9_]{1,39}$/,
      "Codes are 2–40 lower-case letters, digits and underscores, starting with a letter.",
    ),
  label: z.string().trim().min(2, "Enter a label.").max(60, "Labels are at most 60 characters."),
});
const toggleInput = z.object({ id: z.string().uuid("Unknown reason."), active: z.boolean() });

function assertAdmin(ctx: Ctx) {
  if (ctx.actor.role !== "admin") throw new AppError("forbidden", "Only admins manage the reject reasons.");
}

export async function addRejectReason({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RejectReason> {
  assertAdmin(ctx);
  const { code, label } = parseInput(addInput, input);
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx.select().from(rejectReasons).where(eq(rejectReasons.code, code)).limit(1);
    if (taken)
      throw new AppError("conflict", `The code "${code}" already exists.`, { fields: { code: ["Already in use."] } });
    const [last] = await tx.select({ n: max(rejectReasons.position) }).from(rejectReasons);
    const [row] = await tx
      .insert(rejectReasons)
      .values({ code, label, position: (last?.n ?? 0) + 1 })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "reject_reason.added",
        subject: { type: "reject_reason", id: row!.id },
        data: { code, label },
        ip: ctx.ip,
      },
    });
    return row!;
  });
}

/** Retiring a reason hides it from reviewers; past decisions keep their code. */
export async function setRejectReasonActive({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<RejectReason> {
  assertAdmin(ctx);
  const { id, active } = parseInput(toggleInput, input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.update(rejectReasons).set({ active }).where(eq(rejectReasons.id, id)).returning();
    if (!row) throw new AppError("not_found", "That reason does not exist.");
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: active ? "reject_reason.restored" : "reject_reason.retired",
        subject: { type: "reject_reason", id },
        data: { code: row.code },
        ip: ctx.ip,
      },
    });
    return row;
  });
}
