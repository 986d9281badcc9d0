import { NextResponse } from "next/server";
import { generationSender } from "@/inngest/send";
import { cancelBatch } from "@/lib/generation/batch-actions";
import { guardedRoute } from "@/lib/http/route";

export const POST = guardedRoute<{ id: string }>(
  { permission: "generations.create", body: "none" },
  async (ctx, _request, { id }) => {
    await cancelBatch({ ctx, input: { batchId: id }, send: generationSender });
    return NextResponse.json({ ok: true });
  },
);
