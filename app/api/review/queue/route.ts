import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { listReviewQueue } from "@/lib/review/queue";

/** Query: tier, campaign, presetId, designerId, warnings (only | none). */
export const GET = guardedRoute("review.decide", async (ctx, request) => {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  return NextResponse.json(await listReviewQueue({ ctx, input: params }));
});
