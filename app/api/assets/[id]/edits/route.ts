import { NextResponse } from "next/server";
import { editSender } from "@/inngest/send";
import { requestEdit, type RequestEditInput } from "@/lib/editing/request-edit";
import { guardedRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/read-json";
import { getBlobStore } from "@/lib/storage";

/** Room for a painted mask as base64 (masks are capped at 8 MB of PNG in lib/editing/mask.ts). */
const MAX_BODY = 12 * 1024 * 1024;

export const POST = guardedRoute<{ id: string }>(
  { permission: "assets.edit", body: "json" },
  async (ctx, request, { id }) => {
    const body = (await readJson(request, MAX_BODY)) as Record<string, unknown>;
    const { edit, created } = await requestEdit({
      ctx,
      input: { ...body, assetId: id } as RequestEditInput,
      store: getBlobStore(),
      send: editSender,
    });
    return NextResponse.json(
      { edit: { id: edit.id, status: edit.status, operation: edit.operation }, created },
      { status: created ? 201 : 200 },
    );
  },
);
