import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { searchLibrary } from "@/lib/library/search";

/** Query: q (the query grammar), sort (newest | oldest | relevance | cost), cursor, limit (≤ 200). */
export const GET = guardedRoute("assets.view", async (ctx, request) => {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  return NextResponse.json(await searchLibrary({ ctx, input: params }));
});
