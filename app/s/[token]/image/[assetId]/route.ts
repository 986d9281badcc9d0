import { cookies } from "next/headers";
import { getDatabase } from "@/db";
import { isShareOpen, resolveShareLink, SHARE_GRANT_COOKIE, shareImageResponse } from "@/lib/share-links";
import { getBlobStore } from "@/lib/storage";

/** An image of a share link (?size=thumb|preview): the link, its password grant and the asset's membership are checked on every request. */
export async function GET(request: Request, { params }: { params: Promise<{ token: string; assetId: string }> }): Promise<Response> {
  const { token, assetId } = await params;
  const { db } = await getDatabase();
  const link = await resolveShareLink(db, token);
  if (!link || !isShareOpen(link, (await cookies()).get(SHARE_GRANT_COOKIE)?.value)) return new Response("This link is not valid.", { status: 404 });
  return shareImageResponse({ db, store: getBlobStore(), link, assetId, size: new URL(request.url).searchParams.get("size") });
}
