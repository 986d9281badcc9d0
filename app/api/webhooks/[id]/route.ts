import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { deleteEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";

/** Body: { url?, description?, events?, enabled? }. */
export const PATCH = guardedRoute<{ id: string }>(
  { permission: "webhooks.manage", body: "json" },
  async (ctx, request, { id }) =>
    NextResponse.json({ endpoint: await updateEndpoint({ ctx, endpointId: id, input: await readJson(request) }) }),
);

export const DELETE = guardedRoute<{ id: string }>(
  { permission: "webhooks.manage", body: "none" },
  async (ctx, _request, { id }) => {
    await deleteEndpoint({ ctx, endpointId: id });
    return NextResponse.json({ deleted: true });
  },
);
