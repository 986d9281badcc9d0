import { NextResponse } from "next/server";
import { guardedRoute } from "@/lib/http/route";
import { undoDecision } from "@/lib/review/undo";

export const POST = guardedRoute<{ id: string }>(
  { permission: "review.decide", body: "none" },
  async (ctx, _request, { id }) => NextResponse.json(await undoDecision({ ctx, input: { decisionId: id } })),
);
