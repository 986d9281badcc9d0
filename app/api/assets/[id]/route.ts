import { NextResponse } from "next/server";
import { getAssetDetail } from "@/lib/assets/asset-detail";
import { guardedRoute } from "@/lib/http/route";

export const GET = guardedRoute<{ id: string }>("assets.view", async (ctx, _request, { id }) =>
  NextResponse.json(await getAssetDetail({ ctx, assetId: id })),
);
