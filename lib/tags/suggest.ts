import { count, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { assetTags, tags } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { normaliseTagName } from "./normalise";

const suggestInput = z.object({
  prefix: z.string().max(40, "At most 40 characters.").default(""),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export type TagSuggestion = { name: string; curated: boolean; uses: number };

/**
 * Tags starting with a prefix (normalised like a tag), curated ones first, then by how often they
 * are used. Counts are over all assets: tag names are shared vocabulary, not anyone's assets.
 */
export async function suggestTags({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TagSuggestion[]> {
  if (!can(ctx.actor.role, "tags.apply")) throw new AppError("forbidden", "Your role does not tag assets.");
  const { prefix, limit } = parseInput(suggestInput, input);
  const p = normaliseTagName(prefix);
  const uses = count(assetTags.assetId);
  const rows = await ctx.db
    .select({ name: tags.name, curated: tags.curated, uses })
    .from(tags)
    .leftJoin(assetTags, eq(assetTags.tagId, tags.id))
    .where(p ? sql`starts_with(${tags.name}, ${p})` : undefined)
    .groupBy(tags.id)
    .orderBy(desc(tags.curated), desc(uses), tags.name)
    .limit(limit);
  return rows.map((r) => ({ ...r, uses: Number(r.uses) }));
}
