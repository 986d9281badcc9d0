import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { heldByOthers, listReviewQueue } from "@/lib/review/queue";

/** Query: tier, campaign, presetId, designerId, warnings (only | none). Also says who holds the claimed assets left out. */
export const GET = guardedRoute("review.decide", async (ctx, request) => {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const [queue, held] = await Promise.all([listReviewQueue({ ctx, input: params }), heldByOthers(ctx)]);
  return NextResponse.json({ ...queue, heldByOthers: held });
});
