import { guardedRoute } from "@/lib/http/route";
import { getBlobStore } from "@/lib/storage";
import { serveBlob } from "@/lib/storage/http";

/** Every blob is read through here, behind sign-in; the storage layer validates the key. */
const handler = guardedRoute<{ key: string[] }>("blobs.read", (_ctx, request, { key }) => serveBlob(getBlobStore(), key.join("/"), request));

export const GET = handler;
export const HEAD = handler;
