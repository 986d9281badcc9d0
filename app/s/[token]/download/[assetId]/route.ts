import { cookies } from "next/headers";
import { clientIp } from "@/lib/auth/request-ip";
import { SHARE_GRANT_COOKIE, shareDownloadForVisitor } from "@/lib/share-links";

/** The approved version as PNG with its chosen metadata, when the link allows downloads; audited. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ token: string; assetId: string }> },
): Promise<Response> {
  const { token, assetId } = await params;
  return shareDownloadForVisitor({
    token,
    assetId,
    grant: (await cookies()).get(SHARE_GRANT_COOKIE)?.value,
    ip: await clientIp(),
  });
}
