import { NextResponse } from "next/server";
import { z } from "zod";
import { editSender } from "@/inngest/send";
import { restoreVersion } from "@/lib/editing/restore";
import { sendToReview } from "@/lib/editing/send-to-review";
import { parseInput } from "@/lib/errors";
import { guardedRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/read-json";

const body = z.object({
  action: z.enum(["restore", "send_to_review"], { error: "Choose restore or send to review." }),
  idempotencyKey: z.string().optional(),
});

/** Restore a version (as a new version) or send this version to review (any version; decision 0028). */
export const POST = guardedRoute<{ id: string; number: string }>(
  { permission: "assets.edit", body: "json" },
  async (ctx, request, { id, number }) => {
    const { action, idempotencyKey } = parseInput(body, await readJson(request));
    const versionNumber = Number(number);
    if (action === "restore") {
      const out = await restoreVersion({
        ctx,
        input: { assetId: id, versionNumber, idempotencyKey: idempotencyKey ?? "" },
        send: editSender,
      });
      return NextResponse.json({ restored: out.version?.number ?? null, created: out.created });
    }
    const asset = await sendToReview({ ctx, input: { assetId: id, versionNumber } });
    return NextResponse.json({ status: asset.status });
  },
);
