import { NextResponse } from "next/server";
import { saveAltText } from "@/lib/alt-text/edit";
import { getAltTextView } from "@/lib/alt-text/view";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

export const GET = guardedRoute<{ id: string }>("assets.view", async (ctx, _request, { id }) =>
  NextResponse.json(await getAltTextView({ ctx, assetId: id })),
);

/** { text, confirm }: save the alt text as a draft, or confirm it (a person's word that it is right). */
export const PUT = guardedRoute<{ id: string }>("assets.describe", async (ctx, request, { id }) => {
  await saveAltText({ ctx, assetId: id, input: await readJson(request) });
  return NextResponse.json(await getAltTextView({ ctx, assetId: id }));
});
