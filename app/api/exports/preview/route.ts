import { NextResponse } from "next/server";
import { previewExport } from "@/lib/exports/request";
import { readJson } from "@/lib/http/read-json";
import { guardedRoute } from "@/lib/http/route";

/** The export dialog's dry run: the same body as POST /api/exports; answers files, assets and held-back assets with reasons, and stores nothing. */
export const POST = guardedRoute({ permission: "exports.create", body: "json" }, async (ctx, request) =>
  NextResponse.json(await previewExport({ ctx, input: await readJson(request) })),
);
