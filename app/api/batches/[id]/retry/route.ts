import { NextResponse } from "next/server";
import { generationSender } from "@/inngest/send";
import { retryGenerations } from "@/lib/generation/batch-actions";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

/** Body: {} to retry every failed row of the batch, or { generationId } for one. */
export const POST = guardedRoute<{ id: string }>(
  { permission: "generations.create", body: "json" },
  async (ctx, request, { id }) => {
    const body = (await readJson(request).catch(() => ({}))) as Record<string, unknown>;
    return NextResponse.json(await retryGenerations({ ctx, input: { ...body, batchId: id }, send: generationSender }));
  },
);
