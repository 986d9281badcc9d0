import { and, eq, inArray, isNull, or, ne } from "drizzle-orm";
import type { Db } from "@/db";
import { logger } from "@/lib/observability/logger";
import { assets } from "@/db/schema";
import type { AltTextSender } from "./draft";
import { loadAltTextSettings } from "./settings";

/**
 * Called after an approval commits (a reviewer's decision, or the checks approving a tier that needs
 * no review): asks the engine to draft alt text for approved assets that have none. Draft-tier
 * assets are skipped: they are never exported, so an engine call on them buys nothing. Never throws:
 * an approval stands whether or not the draft request got through (a person can press "Draft" later).
 */
export async function draftAltTextOnApproval({
  db,
  assetIds,
  sender,
}: {
  db: Db;
  assetIds: string[];
  sender?: AltTextSender;
}): Promise<string[]> {
  if (assetIds.length === 0) return [];
  try {
    const settings = await loadAltTextSettings(db);
    if (settings.engine === "off" || !settings.providerId) return [];
    const rows = await db
      .select({ id: assets.id, approvedAt: assets.approvedAt })
      .from(assets)
      .where(
        and(
          inArray(assets.id, assetIds),
          eq(assets.status, "approved"),
          isNull(assets.altText),
          eq(assets.altTextStatus, "none"),
          or(isNull(assets.tier), ne(assets.tier, "draft")),
        ),
      );
    if (rows.length === 0) return [];
    const send = sender ?? (await import("@/inngest/send")).altTextSender;
    for (const r of rows) {
      // One request per approval: a repeated call for the same approval is deduplicated by the engine.
      await send.draftRequested({
        assetId: r.id,
        requestedBy: null,
        overwrite: false,
        key: `approved-${r.approvedAt?.getTime() ?? 0}`,
      });
    }
    return rows.map((r) => r.id);
  } catch (error) {
    logger.error({ err: error }, "alt-text: could not request drafts after approval");
    return [];
  }
}
