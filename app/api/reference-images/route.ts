import { NextResponse } from "next/server";
import { listReferenceCandidates } from "@/lib/assets/reference-candidates";
import { guardedRoute } from "@/lib/http/route";

/** The Generate form's reference image picker: visible assets, uploads first, `?q=` on the title. */
export const GET = guardedRoute("generations.create", async (ctx, request) =>
  NextResponse.json({
    candidates: await listReferenceCandidates({ ctx, input: { q: new URL(request.url).searchParams.get("q") ?? "" } }),
  }),
);
