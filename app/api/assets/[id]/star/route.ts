import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { starAsset, unstarAsset } from "@/lib/library/stars";

export const POST = guardedRoute<{ id: string }>(
  { permission: "assets.view", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json(await starAsset({ ctx, input: { assetId: id } })),
);

export const DELETE = guardedRoute<{ id: string }>(
  { permission: "assets.view", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json(await unstarAsset({ ctx, input: { assetId: id } })),
);
