import { eq } from "drizzle-orm";
import { z } from "zod";
import { assets, bannedTerms } from "@/db/schema";
import { loadActionableAsset } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { screenText } from "@/lib/moderation/screen";
import { ALT_TEXT_MAX } from "./clean";
import { lockAsset } from "./state";

export const saveAltTextInput = z
  .object({
    text: z
      .string({ error: "Write the alt text." })
      .transform((t) => t.replace(/\s+/g, " ").trim())
      .pipe(z.string().max(ALT_TEXT_MAX, `Alt text is at most ${ALT_TEXT_MAX} characters: say what matters most.`)),
    confirm: z.boolean().default(false),
  })
  .superRefine((v, issue) => {
    if (v.confirm && v.text.length < 1)
      issue.addIssue({ code: "custom", path: ["text"], message: "Write the alt text before confirming it." });
  });

/** "written by a person" once a person changed the words; otherwise the engine that drafted them. */
export const PERSON_SOURCE = "person";

/**
 * A person saves alt text (a draft) or confirms it. Changing a confirmed text makes it a draft
 * again unless it is confirmed in the same step; confirming refuses text with a banned term.
 */
export async function saveAltText({ ctx, assetId, input }: { ctx: Ctx; assetId: string; input: unknown }) {
  if (!can(ctx.actor.role, "assets.describe")) throw new AppError("forbidden", "Your role cannot write alt text.");
  const { text, confirm } = parseInput(saveAltTextInput, input);
  const visible = await loadActionableAsset(ctx, assetId);
  if (confirm) {
    const terms = await ctx.db.select({ term: bannedTerms.term, category: bannedTerms.category }).from(bannedTerms);
    const hits = [...new Set(screenText({ terms, texts: [text] }).matches.map((m) => `“${m.term}” (${m.category})`))];
    if (hits.length) {
      throw new AppError(
        "policy_blocked",
        `The alt text contains a banned term: ${hits.join(", ")}. Reword it before confirming.`,
        {
          fields: { text: ["Contains a banned term."] },
        },
      );
    }
  }
  return ctx.db.transaction(async (tx) => {
    const asset = await lockAsset(tx, visible.id);
    const changed = (asset.altText ?? "") !== text;
    const actor = { id: ctx.actor.id, email: ctx.actor.email };
    if (!changed && !confirm && asset.altTextStatus !== "drafting")
      return { changed: false, status: asset.altTextStatus };
    const status = confirm
      ? "confirmed"
      : text
        ? changed || !asset.altTextConfirmedAt
          ? "draft"
          : "confirmed"
        : "none";
    await tx
      .update(assets)
      .set({
        altText: text || null,
        altTextStatus: status,
        altTextSource: !text ? null : changed ? PERSON_SOURCE : asset.altTextSource,
        altTextConfirmedBy: status === "confirmed" ? (confirm ? ctx.actor.id : asset.altTextConfirmedBy) : null,
        altTextConfirmedAt: status === "confirmed" ? (confirm ? new Date() : asset.altTextConfirmedAt) : null,
        updatedAt: new Date(),
      })
      .where(eq(assets.id, asset.id));
    await refreshAssetSearch(tx, [asset.id]);
    if (changed) {
      await recordAudit({
        db: tx,
        input: {
          actor,
          action: "alt_text.edited",
          subject: { type: "asset", id: asset.id },
          data: { from: asset.altText, to: text || null, wasConfirmed: !!asset.altTextConfirmedAt, status },
          ip: ctx.ip,
        },
      });
    }
    if (confirm) {
      await recordAudit({
        db: tx,
        input: {
          actor,
          action: "alt_text.confirmed",
          subject: { type: "asset", id: asset.id },
          data: { text, source: changed ? PERSON_SOURCE : asset.altTextSource },
          ip: ctx.ip,
        },
      });
    }
    return { changed, status };
  });
}
