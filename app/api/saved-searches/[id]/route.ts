import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { deleteSavedSearch } from "@/lib/library/saved-searches";

export const DELETE = guardedRoute<{ id: string }>(
  { permission: "assets.view", body: "none" },
  async (ctx, _request, { id }) => {
    await deleteSavedSearch({ ctx, input: { savedSearchId: id } });
    return NextResponse.json({ ok: true });
  },
);
