import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { createShareLink, listShareLinks } from "@/lib/share-links";

/** Links of an asset (?assetId=), of a collection (?collectionId=), or the caller's own (?mine=1). */
export const GET = guardedRoute("shares.create", async (ctx, request) => {
  const q = new URL(request.url).searchParams;
  const input = q.get("assetId")
    ? { assetId: q.get("assetId") }
    : q.get("collectionId")
      ? { collectionId: q.get("collectionId") }
      : { mine: true };
  return NextResponse.json({ links: await listShareLinks({ ctx, input }) });
});

/** Makes a link; the answer carries the token and URL, which are never shown again. */
export const POST = guardedRoute({ permission: "shares.create", body: "json" }, async (ctx, request) => {
  const created = await createShareLink({ ctx, input: await readJson(request, 8 * 1024) });
  return NextResponse.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
});
