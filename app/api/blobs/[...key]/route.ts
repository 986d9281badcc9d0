import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";
import { readBlob } from "@/lib/storage/blob-access";

/** Every blob is read through here, behind sign-in, with the visibility of the upload or asset it belongs to. */
const handler = guardedRoute<{ key: string[] }>("blobs.read", (ctx, request, { key }) =>
  readBlob({ ctx, store: getBlobStore(), key: key.join("/"), request }),
);

export const GET = handler;
export const HEAD = handler;
