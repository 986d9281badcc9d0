import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { runBulkAction } from "@/lib/library/bulk";

/** Body: { action: "tag" | "untag" | "collect" | "send_to_review", selection: { assetIds?, query? }, tags?, collectionId? } → { affected, skipped, message }. */
export const POST = guardedRoute({ permission: "assets.view", body: "json" }, async (ctx, request) =>
  // 10,000 ids of 36 characters fit in 512 KB with room to spare.
  NextResponse.json(await runBulkAction({ ctx, input: await readJson(request, 512 * 1024) })),
);
