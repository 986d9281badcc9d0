import { and, desc, eq, inArray } from "drizzle-orm";
import { auditEvents, bannedTerms, users } from "@/db/schema";
import { loadVisibleAsset, seesAssetOwnedBy } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { screenText } from "@/lib/moderation/screen";
import { ALT_TEXT_MAX } from "./clean";
import { PERSON_SOURCE } from "./edit";
import { engineLabel } from "./engines";
import { loadAltTextSettings } from "./settings";

export type AltTextView = {
  assetId: string;
  text: string;
  status: "none" | "drafting" | "draft" | "confirmed";
  /** Who wrote the words: "a person", or the engine's name. */
  sourceLabel: string | null;
  confirmedBy: string | null;
  confirmedAt: string | null;
  /** The engine "Draft with …" uses; null when drafting is off. */
  engine: string | null;
  canEdit: boolean;
  /** Why the last draft failed, while no later draft or edit replaced that news. */
  lastError: string | null;
  /** Banned terms in the current text (confirming is refused while there are any). */
  bannedTerms: string[];
  maxLength: number;
};

/** The alt text card's data: anyone who may see the asset reads it; the owner's rule decides who may edit. */
export async function getAltTextView({ ctx, assetId }: { ctx: Ctx; assetId: string }): Promise<AltTextView> {
  const asset = await loadVisibleAsset(ctx, assetId);
  const [settings, who, [last], terms] = await Promise.all([
    loadAltTextSettings(ctx.db),
    asset.altTextConfirmedBy
      ? ctx.db.select({ name: users.name }).from(users).where(eq(users.id, asset.altTextConfirmedBy)).limit(1)
      : Promise.resolve([]),
    ctx.db
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.subjectType, "asset"),
          eq(auditEvents.subjectId, asset.id),
          inArray(auditEvents.action, [
            "alt_text.drafted",
            "alt_text.draft_failed",
            "alt_text.edited",
            "alt_text.confirmed",
          ]),
        ),
      )
      .orderBy(desc(auditEvents.seq))
      .limit(1),
    asset.altText
      ? ctx.db.select({ term: bannedTerms.term, category: bannedTerms.category }).from(bannedTerms)
      : Promise.resolve([]),
  ]);
  const failed = last?.action === "alt_text.draft_failed" && asset.altTextStatus !== "drafting";
  return {
    assetId: asset.id,
    text: asset.altText ?? "",
    status: asset.altTextStatus,
    sourceLabel: !asset.altTextSource
      ? null
      : asset.altTextSource === PERSON_SOURCE
        ? "a person"
        : engineLabel(asset.altTextSource),
    confirmedBy: who[0]?.name ?? null,
    confirmedAt: asset.altTextConfirmedAt?.toISOString() ?? null,
    engine: settings.engine === "off" || !settings.providerId ? null : engineLabel(settings.engine),
    canEdit: can(ctx.actor.role, "assets.describe") && seesAssetOwnedBy(ctx, asset.ownerId),
    lastError: failed ? String((last.data as { message?: unknown }).message ?? "the engine failed") : null,
    bannedTerms: asset.altText
      ? [...new Set(screenText({ terms, texts: [asset.altText] }).matches.map((m) => m.term))]
      : [],
    maxLength: ALT_TEXT_MAX,
  };
}
