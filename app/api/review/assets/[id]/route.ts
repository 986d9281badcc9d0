import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { getReviewDetail } from "@/lib/review/review-detail";

/** What the review page shows of the asset under review beyond its queue item (lib/review/review-detail.ts); same visibility as GET /api/assets/:id. */
export const GET = guardedRoute<{ id: string }>("assets.view", async (ctx, _request, { id }) =>
  NextResponse.json(await getReviewDetail({ ctx, assetId: id })),
);
