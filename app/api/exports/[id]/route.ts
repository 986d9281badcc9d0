import { NextResponse } from "next/server";
import { getExport } from "@/lib/exports/views";
import { guardedRoute } from "@/lib/http/route";

/** One export's progress (files done / total), held-back assets and, when done, size and expiry. */
export const GET = guardedRoute<{ id: string }>("exports.create", async (ctx, _request, { id }) =>
  NextResponse.json({ export: await getExport({ ctx, exportId: id }) }, { headers: { "Cache-Control": "no-store" } }),
);
