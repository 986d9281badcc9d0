import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { bannedTerms, type BannedTerm } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { normaliseTerm } from "./normalise";

export const BANNED_TERM_CATEGORIES = [
  "trademark",
  "likeness",
  "nsfw",
  "violence",
  "hate",
  "regulated claim",
  "brand guideline",
  "other",
] as const;

const addInput = z.object({
  term: z.string().trim().min(2, "A term needs at least 2 characters.").max(100, "Terms are at most 100 characters."),
  category: z.enum(BANNED_TERM_CATEGORIES, { error: `Category must be one of: ${BANNED_TERM_CATEGORIES.join(", ")}.` }),
});
const removeInput = z.object({ id: z.string().uuid("Unknown term.") });

export async function listBannedTerms({ ctx }: { ctx: Ctx }): Promise<BannedTerm[]> {
  return ctx.db.select().from(bannedTerms).orderBy(asc(bannedTerms.category), asc(bannedTerms.term));
}

/** Adds a term (stored as typed; matching normalises case, accents, look-alikes and spacing). */
export async function addBannedTerm({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<BannedTerm> {
  const { term, category } = parseInput(addInput, input);
  if (normaliseTerm(term).collapsed.length < 2)
    throw new AppError("invalid_input", "That term has no letters or digits to match.", {
      fields: { term: ["Use letters or digits."] },
    });
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(bannedTerms)
      .values({ term, category, createdBy: ctx.actor.id })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw new AppError("conflict", `"${term}" is already on the list.`, {
        fields: { term: ["Already on the list."] },
      });
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "banned_term.added",
        subject: { type: "banned_term", id: row.id },
        data: { term, category },
        ip: ctx.ip,
      },
    });
    return row;
  });
}

export async function removeBannedTerm({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<void> {
  const { id } = parseInput(removeInput, input);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(bannedTerms).where(eq(bannedTerms.id, id)).returning();
    if (!row) throw new AppError("not_found", "That term is not on the list.");
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "banned_term.removed",
        subject: { type: "banned_term", id },
        data: { term: row.term, category: row.category },
        ip: ctx.ip,
      },
    });
  });
}
