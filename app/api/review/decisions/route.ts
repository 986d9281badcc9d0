import { NextResponse } from "next/server";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { decideAsset } from "@/lib/review/decide";

/** Body: { assetId, assetVersionId, decision, reasonCode?, comment? }. */
export const POST = guardedRoute({ permission: "review.decide", body: "json" }, async (ctx, request) => {
  const out = await decideAsset({ ctx, input: await readJson(request) });
  return NextResponse.json(
    {
      decisionId: out.decision.id,
      status: out.status,
      approvals: out.approvals,
      approvalsNeeded: out.approvalsNeeded,
      approvalId: out.decision.approvalId,
    },
    { status: 201 },
  );
});
