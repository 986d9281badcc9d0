import { eq } from "drizzle-orm";
import type { Tx } from "@/db";
import { assets, type Asset } from "@/db/schema";
import { AppError } from "@/lib/errors";

/** Limits a person's alt text is held to (an engine's draft is cut to the same length). */
export const ALT_TEXT_MIN = 1;

/** What the status is when nothing is being drafted: from the text and whether a person confirmed it. */
export function settledStatus(a: Pick<Asset, "altText" | "altTextConfirmedAt">): Asset["altTextStatus"] {
  if (!a.altText) return "none";
  return a.altTextConfirmedAt ? "confirmed" : "draft";
}

/** The asset row, locked for the rest of the transaction (two writers of one asset's alt text wait for each other). */
export async function lockAsset(tx: Tx, assetId: string): Promise<Asset> {
  const [asset] = await tx.select().from(assets).where(eq(assets.id, assetId)).limit(1).for("update");
  if (!asset) throw new AppError("not_found", "That asset does not exist.");
  return asset;
}
