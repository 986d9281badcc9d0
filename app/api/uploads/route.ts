import { NextResponse } from "next/server";
import { announceUpload } from "@/inngest/send";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";
import { createUpload } from "@/lib/uploads/create-upload";
import { listUploads } from "@/lib/uploads/list-uploads";
import { readUploadedFile } from "@/lib/uploads/read-form-file";

export const GET = guardedRoute("uploads.view", async (ctx) =>
  NextResponse.json({ uploads: await listUploads({ ctx }) }),
);

export const POST = guardedRoute({ permission: "uploads.create", body: "multipart" }, async (ctx, request) => {
  const maxBytes = env().KILN_MAX_UPLOAD_BYTES;
  const file = await readUploadedFile(request, maxBytes);
  if (!file) throw new AppError("invalid_input", "Choose an image file to upload.");
  const upload = await createUpload({ ctx, input: file, store: getBlobStore(), maxBytes, announce: announceUpload });
  return NextResponse.json({ upload: { id: upload.id, status: upload.status, error: upload.error } }, { status: 201 });
});
