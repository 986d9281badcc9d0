import { seesAssetOwnedBy } from "@/lib/assets/access";
import { requirePageCtx } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { getDatabase } from "@/db";
import { assets } from "@/db/schema";
import { eq } from "drizzle-orm";
import { ShareLinkButton } from "./share-link-dialog";

/** The asset page's "Share" button, for those who may share and act on this asset (the server checks again). */
export async function AssetShareButton({ assetId }: { assetId: string }) {
  const ctx = await requirePageCtx("assets.view");
  if (!can(ctx.actor.role, "shares.create")) return null;
  const { db } = await getDatabase();
  const [a] = await db.select({ ownerId: assets.ownerId }).from(assets).where(eq(assets.id, assetId)).limit(1);
  if (!a || !seesAssetOwnedBy(ctx, a.ownerId)) return null;
  return <ShareLinkButton target={{ assetId }} />;
}
