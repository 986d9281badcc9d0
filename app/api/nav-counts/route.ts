import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { navCounts } from "@/lib/console/nav-counts";

/** The menu's badges, read again by the console on an interval, on focus and after a decision. */
export const GET = guardedRoute("console.view", async (ctx) => NextResponse.json({ counts: await navCounts(ctx) }));
