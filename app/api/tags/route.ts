import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { createCuratedTag, suggestTags } from "@/lib/tags";

/** ?prefix=&limit= → curated tags first, then the most used. */
export const GET = guardedRoute("tags.apply", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  return NextResponse.json({
    tags: await suggestTags({
      ctx,
      input: { prefix: params.get("prefix") ?? "", limit: params.get("limit") ?? undefined },
    }),
  });
});

/** Admins: body { name } adds a curated tag (or curates an existing free one). */
export const POST = guardedRoute({ permission: "tags.curate", body: "json" }, async (ctx, request) =>
  NextResponse.json({ tag: await createCuratedTag({ ctx, input: await readJson(request) }) }, { status: 201 }),
);
