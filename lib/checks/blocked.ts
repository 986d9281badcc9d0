import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";

/** Safety reasons: an output rejected for one of these is listed with the blocked inputs. */
const SAFETY_REASONS = ["nsfw"];

export type BlockedItem = {
  seq: number;
  at: string;
  kind: "prompt" | "upload" | "output";
  subject: string;
  href: string | null;
  reason: string;
  actor: string | null;
};

/** Every blocked input (banned prompt terms, unsafe uploads) and unsafe output, newest first, for admins. */
export async function listBlocked({ ctx, limit = 25 }: { ctx: Ctx; limit?: number }): Promise<BlockedItem[]> {
  if (ctx.actor.role !== "admin") throw new AppError("forbidden", "Only admins see blocked work.");
  const rows = await ctx.db
    .select()
    .from(auditEvents)
    .where(
      or(
        inArray(auditEvents.action, ["generation.blocked", "upload.blocked"]),
        and(
          eq(auditEvents.action, "asset.checked"),
          sql`${auditEvents.data}->>'verdict' = 'fail'`,
          or(...SAFETY_REASONS.map((r) => sql`${auditEvents.data}->'reasons' @> ${JSON.stringify([r])}::jsonb`)),
        ),
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(limit);
  return rows.map((r) => {
    const d = r.data as Record<string, unknown>;
    const kind = r.action === "generation.blocked" ? "prompt" : r.action === "upload.blocked" ? "upload" : "output";
    const reason =
      kind === "prompt"
        ? `banned ${(d.categories as string[] | undefined)?.join(", ") ?? ""} term: ${(d.terms as string[] | undefined)?.join(", ") ?? "?"} (row ${String(d.line ?? "?")})`
        : kind === "upload"
          ? `${String(d.check ?? "nsfw")} ${d.error ? `could not judge: ${String(d.error)}` : `score ${Number(d.score ?? 0).toFixed(3)}`}`
          : `${((d.reasons as string[] | undefined) ?? [String(d.reasonCode)]).join(", ")} (${String(d.why ?? "")})`;
    return {
      seq: r.seq,
      at: r.occurredAt.toISOString(),
      kind,
      subject:
        kind === "upload" ? String(d.filename ?? r.subjectId) : kind === "prompt" ? "prompt" : (r.subjectId ?? ""),
      href: kind === "output" && r.subjectId ? `/assets/${r.subjectId}` : null,
      reason,
      actor: r.actorEmail,
    };
  });
}
