import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { setAssetRights } from "@/lib/rights";

/** Sets the asset's usage rights ({ licence, channels, expiresAt }); all empty clears them. */
export const PUT = guardedRoute<{ id: string }>(
  { permission: "assets.describe", body: "json" },
  async (ctx, request, { id }) => {
    const body = (await readJson(request, 16 * 1024)) as Record<string, unknown>;
    return NextResponse.json({ rights: await setAssetRights({ ctx, input: { ...body, assetId: id } }) });
  },
);
