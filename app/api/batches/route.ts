import { NextResponse } from "next/server";
import { generationSender } from "@/inngest/send";
import { startBatch } from "@/lib/generation/batch-actions";
import { listBatches } from "@/lib/generation/batch-views";
import { queueBatch } from "@/lib/generation/queue-batch";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

export const GET = guardedRoute("batches.view", async (ctx) =>
  NextResponse.json({ batches: await listBatches({ ctx }) }),
);

export const POST = guardedRoute({ permission: "generations.create", body: "json" }, async (ctx, request) => {
  const { batch, created } = await queueBatch({ ctx, input: await readJson(request, 8 * 1024 * 1024) });
  const start = created
    ? await startBatch({ ctx, input: { batchId: batch.id }, send: generationSender, sendKey: "created" })
    : { started: true };
  return NextResponse.json(
    { batch: { id: batch.id, total: batch.total }, created, ...start },
    { status: created ? 201 : 200 },
  );
});
