import { NextResponse } from "next/server";
import { parseInput } from "@/lib/errors";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { deleteTag, renameTag, setTagCurated } from "@/lib/tags";
import { z } from "zod";

const patchBody = z.object({ name: z.string().optional(), curated: z.boolean().optional() });

/** Admins: body { name? , curated? } renames the tag everywhere and/or moves it on or off the curated list. */
export const PATCH = guardedRoute<{ id: string }>(
  { permission: "tags.curate", body: "json" },
  async (ctx, request, { id }) => {
    const body = parseInput(patchBody, await readJson(request));
    let tag = body.name !== undefined ? await renameTag({ ctx, input: { tagId: id, name: body.name } }) : null;
    if (body.curated !== undefined) tag = await setTagCurated({ ctx, input: { tagId: id, curated: body.curated } });
    return NextResponse.json({ tag });
  },
);

/** Admins: deletes the tag and takes it off every asset. */
export const DELETE = guardedRoute<{ id: string }>(
  { permission: "tags.curate", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json(await deleteTag({ ctx, input: { tagId: id } })),
);
