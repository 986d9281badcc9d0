import { getDatabase, type Db } from "@/db";
import type { ShareLink } from "@/db/schema";
import { getBlobStore } from "@/lib/storage";
import { isShareOpen, resolveShareLink } from "./access";
import { shareDownloadResponse, shareImageResponse } from "./content";

const notValid = () => new Response("This link is not valid.", { status: 404 });

/**
 * A visitor's request under /s/<token>: the link (null for an unknown, expired or revoked token) and
 * whether the visitor's password grant opens it. The public page and routes start here.
 */
export async function visitShareLink(
  token: string,
  grant: string | undefined,
): Promise<{ db: Db; link: ShareLink; open: boolean } | null> {
  const { db } = await getDatabase();
  const link = await resolveShareLink(db, token);
  return link ? { db, link, open: isShareOpen(link, grant) } : null;
}

/** An image of an open link (thumb or preview); the asset's membership is checked per request. */
export async function shareImageForVisitor(input: {
  token: string;
  grant: string | undefined;
  assetId: string;
  size: string | null;
}): Promise<Response> {
  const visit = await visitShareLink(input.token, input.grant);
  if (!visit?.open) return notValid();
  return shareImageResponse({
    db: visit.db,
    store: getBlobStore(),
    link: visit.link,
    assetId: input.assetId,
    size: input.size,
  });
}

/** A download from an open link that allows downloads; audited with the visitor's address. */
export async function shareDownloadForVisitor(input: {
  token: string;
  grant: string | undefined;
  assetId: string;
  ip: string | null;
}): Promise<Response> {
  const visit = await visitShareLink(input.token, input.grant);
  if (!visit?.open) return notValid();
  return shareDownloadResponse({
    db: visit.db,
    store: getBlobStore(),
    link: visit.link,
    assetId: input.assetId,
    ip: input.ip,
  });
}
