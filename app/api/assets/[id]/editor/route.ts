import { NextResponse } from "next/server";
import { getEditorView } from "@/lib/editing/editor-view";
import { guardedRoute } from "@/lib/http/route";

/** The editor's data; the page polls it while an edit runs. */
export const GET = guardedRoute<{ id: string }>("assets.edit", async (ctx, _request, { id }) =>
  NextResponse.json(await getEditorView({ ctx, assetId: id })),
);
