import { NextResponse } from "next/server";
import { getBatch } from "@/lib/generation/batch-views";
import { guardedRoute } from "@/lib/http/route";

export const GET = guardedRoute<{ id: string }>("batches.view", async (ctx, _request, { id }) =>
  NextResponse.json({ batch: await getBatch({ ctx, batchId: id }) }),
);
