import { NextResponse } from "next/server";
import { exportPlacementOptions } from "@/lib/exports/options";
import { guardedRoute } from "@/lib/http/route";

/** The active placements the export dialog offers (read straight from the placements table). */
export const GET = guardedRoute("exports.create", async (ctx) =>
  NextResponse.json({ placements: await exportPlacementOptions({ ctx }) }),
);
