import { NextResponse } from "next/server";
import { parseInput } from "@/lib/errors";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { addComment, addCommentInput, listComments } from "@/lib/review/comments";

/** The asset's comments, oldest first, with their pins and marker numbers. */
export const GET = guardedRoute<{ id: string }>("assets.comment", async (ctx, _request, { id }) =>
  NextResponse.json({ comments: await listComments({ ctx, assetId: id }) }),
);

/** Body `{ versionNumber, body, pin?: { x, y, w?, h? } }` (fractions 0–1); answers the stored comment. */
export const POST = guardedRoute<{ id: string }>(
  { permission: "assets.comment", body: "json" },
  async (ctx, request, { id }) => {
    const input = parseInput(addCommentInput, await readJson(request));
    return NextResponse.json({ comment: await addComment({ ctx, assetId: id, input }) }, { status: 201 });
  },
);
