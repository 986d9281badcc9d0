import { cookies } from "next/headers";
import { getDatabase } from "@/db";
import { clientIp } from "@/lib/auth/request-ip";
import { isShareOpen, resolveShareLink, SHARE_GRANT_COOKIE, shareDownloadResponse } from "@/lib/share-links";
import { getBlobStore } from "@/lib/storage";

/** The approved version without location/device metadata, when the link allows downloads; audited. */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string; assetId: string }> }): Promise<Response> {
  const { token, assetId } = await params;
  const { db } = await getDatabase();
  const link = await resolveShareLink(db, token);
  if (!link || !isShareOpen(link, (await cookies()).get(SHARE_GRANT_COOKIE)?.value)) return new Response("This link is not valid.", { status: 404 });
  return shareDownloadResponse({ db, store: getBlobStore(), link, assetId, ip: await clientIp() });
}
