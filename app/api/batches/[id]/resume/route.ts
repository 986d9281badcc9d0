import { NextResponse } from "next/server";
import { generationSender } from "@/inngest/send";
import { startBatch } from "@/lib/generation/batch-actions";
import { guardedRoute } from "@/lib/http/route";

export const POST = guardedRoute<{ id: string }>(
  { permission: "generations.create", body: "none" },
  async (ctx, _request, { id }) =>
    NextResponse.json(
      await startBatch({ ctx, input: { batchId: id }, send: generationSender, sendKey: `resume-${Date.now()}` }),
    ),
);
