import { previewUpscale } from "@/lib/editing/upscale-preview";
import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";

/** The instant Lanczos preview of an upscale (PNG, not stored, not billed). */
export const GET = guardedRoute<{ id: string; number: string }>("assets.edit", async (ctx, request, { id, number }) => {
  const scale = new URL(request.url).searchParams.get("scale") === "4" ? 4 : 2;
  const out = await previewUpscale({ ctx, store: getBlobStore(), assetId: id, versionNumber: Number(number), scale });
  return new Response(new Uint8Array(out.image), {
    headers: {
      "content-type": "image/png",
      "cache-control": "private, max-age=3600",
      "x-content-type-options": "nosniff",
    },
  });
});
