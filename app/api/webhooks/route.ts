import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { createEndpoint, endpointTeams, listEndpoints } from "@/lib/webhooks/endpoints";

/** My webhook endpoints (admins: and every team's), with the teams an admin may register one for. */
export const GET = guardedRoute("webhooks.manage", async (ctx) =>
  NextResponse.json({ endpoints: await listEndpoints({ ctx }), teams: await endpointTeams({ ctx }) }),
);

/** Body: { url, description?, events: [...], teamId? }. Answers the endpoint and its signing secret. */
export const POST = guardedRoute({ permission: "webhooks.manage", body: "json" }, async (ctx, request) =>
  NextResponse.json(await createEndpoint({ ctx, input: await readJson(request) }), { status: 201 }),
);
