import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { libraryFacets } from "@/lib/library/facets";

/** Query: q (the query grammar), top (buckets per facet, ≤ 50). */
export const GET = guardedRoute("assets.view", async (ctx, request) => {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  return NextResponse.json(await libraryFacets({ ctx, input: params }));
});
