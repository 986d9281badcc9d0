import { NextResponse } from "next/server";
import { deleteCollection, getCollection, updateCollection } from "@/lib/collections";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

export const GET = guardedRoute<{ id: string }>("collections.use", async (ctx, _request, { id }) =>
  NextResponse.json(await getCollection({ ctx, collectionId: id })),
);

/** Body: { name?, description?, shared? } — owner or admin. */
export const PATCH = guardedRoute<{ id: string }>(
  { permission: "collections.use", body: "json" },
  async (ctx, request, { id }) => {
    const body = (await readJson(request)) as Record<string, unknown> | null;
    return NextResponse.json({
      collection: await updateCollection({ ctx, input: { ...(body ?? {}), collectionId: id } }),
    });
  },
);

export const DELETE = guardedRoute<{ id: string }>(
  { permission: "collections.use", body: "none" },
  async (ctx, _request, { id }) => {
    await deleteCollection({ ctx, input: { collectionId: id } });
    return NextResponse.json({ ok: true });
  },
);
