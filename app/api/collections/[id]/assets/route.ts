import { NextResponse } from "next/server";
import { addToCollection, removeFromCollection } from "@/lib/collections";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { describeSkips } from "@/lib/library/partition";

type Body = { assetIds?: unknown } | null;

/** Body: { assetIds } → { affected, changed, skipped, message }. */
export const POST = guardedRoute<{ id: string }>(
  { permission: "collections.use", body: "json" },
  async (ctx, request, { id }) => {
    const body = (await readJson(request, 256 * 1024)) as Body;
    const out = await addToCollection({ ctx, input: { collectionId: id, assetIds: body?.assetIds } });
    return NextResponse.json({
      affected: out.affected,
      changed: out.changed,
      skipped: out.skipped.length,
      message: describeSkips(out.skipped),
    });
  },
);

export const DELETE = guardedRoute<{ id: string }>(
  { permission: "collections.use", body: "json" },
  async (ctx, request, { id }) => {
    const body = (await readJson(request, 256 * 1024)) as Body;
    const out = await removeFromCollection({ ctx, input: { collectionId: id, assetIds: body?.assetIds } });
    return NextResponse.json({ affected: out.affected, changed: out.changed, skipped: 0, message: "" });
  },
);
