import { NextResponse } from "next/server";
import { sendExportRequested } from "@/inngest/send";
import { createExport } from "@/lib/exports/create-export";
import { listMyExports } from "@/lib/exports/views";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";

/** My exports, newest first (expired ones are swept on the way). */
export const GET = guardedRoute("exports.create", async (ctx) =>
  NextResponse.json({ exports: await listMyExports({ ctx, store: getBlobStore() }) }),
);

/** Body: { selection: {assetIds}|{query}|{collectionId}|{batchId}, placementIds, formats, quality?, includeOriginal?, name? }. */
export const POST = guardedRoute({ permission: "exports.create", body: "json" }, async (ctx, request) => {
  const job = await createExport({ ctx, input: await readJson(request), send: sendExportRequested });
  return NextResponse.json(
    { export: { id: job.id, filesTotal: job.filesTotal, assetsIncluded: job.assetsIncluded, heldBack: job.heldBack } },
    { status: 201 },
  );
});
