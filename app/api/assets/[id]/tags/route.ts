import { NextResponse } from "next/server";
import { loadVisibleAsset } from "@/lib/assets/access";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { tagAssets, tagsOfAsset, untagAssets, type TagChange } from "@/lib/tags";

export const GET = guardedRoute<{ id: string }>("tags.apply", async (ctx, _request, { id }) => {
  const asset = await loadVisibleAsset(ctx, id);
  return NextResponse.json({ tags: await tagsOfAsset(ctx.db, asset.id) });
});

/** One asset: a skip is an error here (there is nothing else to report it beside). */
async function change(
  ctx: Parameters<typeof tagAssets>[0]["ctx"],
  request: Request,
  id: string,
  apply: typeof tagAssets,
): Promise<Response> {
  const body = (await readJson(request)) as { tags?: unknown } | null;
  const out: TagChange = await apply({ ctx, input: { assetIds: [id], tags: body?.tags } });
  if (out.skipped[0]?.reason === "read_only")
    throw new AppError(
      "forbidden",
      "This asset is shared with you read-only; only its designer (or a reviewer or admin) tags it.",
    );
  if (out.skipped.length) throw new AppError("not_found", "That asset does not exist or is not yours.");
  return NextResponse.json({ tags: await tagsOfAsset(ctx.db, id) });
}

/** Body: { tags: string[] } → { tags } (the asset's tags afterwards). */
export const POST = guardedRoute<{ id: string }>(
  { permission: "tags.apply", body: "json" },
  async (ctx, request, { id }) => change(ctx, request, id, tagAssets),
);

export const DELETE = guardedRoute<{ id: string }>(
  { permission: "tags.apply", body: "json" },
  async (ctx, request, { id }) => change(ctx, request, id, untagAssets),
);
