import { NextResponse } from "next/server";
import { generationSender } from "@/inngest/send";
import { startBatch } from "@/lib/generation/batch-actions";
import { estimateRerun, rerunAsset, type RerunInput } from "@/lib/generation/rerun-asset";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

/** What a rerun would queue and cost (shown before queueing). */
export const GET = guardedRoute<{ id: string }>("generations.create", async (ctx, _request, { id }) =>
  NextResponse.json({ rerun: await estimateRerun({ ctx, input: { assetId: id } }) }),
);

/** Queues the asset again exactly ({ seed: "same" | "new", idempotencyKey }) and starts it. */
export const POST = guardedRoute<{ id: string }>(
  { permission: "generations.create", body: "json" },
  async (ctx, request, { id }) => {
    const body = (await readJson(request, 16 * 1024)) as Record<string, unknown>;
    const { batch, generationId, created } = await rerunAsset({ ctx, input: { ...body, assetId: id } as RerunInput });
    const start = created
      ? await startBatch({ ctx, input: { batchId: batch.id }, send: generationSender, sendKey: "created" })
      : { started: true };
    return NextResponse.json(
      { batch: { id: batch.id }, generationId, created, ...start },
      { status: created ? 201 : 200 },
    );
  },
);
