import { NextResponse } from "next/server";
import { announceUpload } from "@/inngest/send";
import { guardedRoute } from "@/lib/http/route";
import { requestRenditions } from "@/lib/uploads/create-upload";
import { getOwnUpload } from "@/lib/uploads/list-uploads";

export const POST = guardedRoute<{ id: string }>(
  { permission: "uploads.create", body: "none" },
  async (ctx, _request, { id }) => {
    const upload = await getOwnUpload({ ctx, uploadId: id });
    const updated = await requestRenditions({ ctx, upload, announce: announceUpload, sendKey: `retry-${Date.now()}` });
    return NextResponse.json({ upload: { id: updated.id, status: updated.status, error: updated.error } });
  },
);
