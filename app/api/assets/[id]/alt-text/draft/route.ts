import { NextResponse } from "next/server";
import { altTextSender } from "@/inngest/send";
import { requestAltTextDraft } from "@/lib/alt-text/draft";
import { getAltTextView } from "@/lib/alt-text/view";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

/** { key, overwrite? }: ask the engine in force for a draft; the asset shows "Drafting…" until it lands. */
export const POST = guardedRoute<{ id: string }>("assets.describe", async (ctx, request, { id }) => {
  await requestAltTextDraft({ ctx, assetId: id, input: await readJson(request), sender: altTextSender });
  return NextResponse.json(await getAltTextView({ ctx, assetId: id }), { status: 202 });
});
