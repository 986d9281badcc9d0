import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { nextReviewItem } from "@/lib/review/queue";

/**
 * The asset the review page opens after a decision. Query: the queue's filters (tier, campaign,
 * presetId, designerId, warnings) and afterAt/afterId (the decided asset's queue key).
 */
export const GET = guardedRoute("review.decide", async (ctx, request) => {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  return NextResponse.json({ item: await nextReviewItem({ ctx, input: params }) });
});
