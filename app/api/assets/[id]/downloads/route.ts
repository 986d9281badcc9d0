import { NextResponse } from "next/server";
import { downloadChoices } from "@/lib/delivery/download";
import { guardedRoute } from "@/lib/http/route";

/** What the Download menu offers for an asset: its versions and each one's stored format. */
export const GET = guardedRoute<{ id: string }>("assets.view", async (ctx, _request, { id }) =>
  NextResponse.json(await downloadChoices({ ctx, assetId: id })),
);
