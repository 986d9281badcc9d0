import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { listSavedSearches, saveSearch } from "@/lib/library/saved-searches";

export const GET = guardedRoute("assets.view", async (ctx) =>
  NextResponse.json({ savedSearches: await listSavedSearches({ ctx }) }),
);

/** Body: { name, query } — the same name again replaces its query. */
export const POST = guardedRoute({ permission: "assets.view", body: "json" }, async (ctx, request) =>
  NextResponse.json({ savedSearch: await saveSearch({ ctx, input: await readJson(request) }) }, { status: 201 }),
);
