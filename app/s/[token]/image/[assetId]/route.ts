import { cookies } from "next/headers";
import { SHARE_GRANT_COOKIE, shareImageForVisitor } from "@/lib/share-links";

/** An image of a share link (?size=thumb|preview): the link, its password grant and the asset's membership are checked on every request. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ token: string; assetId: string }> },
): Promise<Response> {
  const { token, assetId } = await params;
  const size = new URL(request.url).searchParams.get("size");
  return shareImageForVisitor({ token, assetId, size, grant: (await cookies()).get(SHARE_GRANT_COOKIE)?.value });
}
