import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { bulkApprove } from "@/lib/review/decide";

/** Body: { items: [{ assetId, assetVersionId }] } — approves each under the same rules. */
export const POST = guardedRoute({ permission: "review.decide", body: "json" }, async (ctx, request) =>
  NextResponse.json(await bulkApprove({ ctx, input: await readJson(request) })),
);
