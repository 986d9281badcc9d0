import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { apiIdempotencyKeys } from "@/db/schema";
import { ApiError } from "./errors";

/** Keys are kept this long (Stripe keeps them 24 hours); an older key is free to be used again. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export type StoredResponse = { status: number; body: string };

export function requestHash(method: string, path: string, body: Uint8Array): string {
  return createHash("sha256").update(`${method} ${path}\n`).update(body).digest("hex");
}

/**
 * A multipart body's hash by its content, not its bytes: a client that sends the same upload again
 * encodes it with a new random boundary, which must still count as the same request. Fields are
 * hashed sorted by name (then value), files by name, file name, type and the sha256 of their bytes.
 */
export async function multipartRequestHash(
  method: string,
  path: string,
  body: Uint8Array,
  contentType: string,
): Promise<string> {
  const form = await new Request("http://kiln.invalid/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: Buffer.from(body),
  }).formData();
  const parts: string[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") parts.push(JSON.stringify([name, "field", value]));
    else
      parts.push(
        JSON.stringify([
          name,
          "file",
          value.name,
          value.type,
          createHash("sha256")
            .update(Buffer.from(await value.arrayBuffer()))
            .digest("hex"),
        ]),
      );
  }
  parts.sort();
  return createHash("sha256").update(`${method} ${path}\nmultipart\n`).update(parts.join("\n")).digest("hex");
}

export function parseIdempotencyKey(header: string | null): string | null {
  if (header === null) return null;
  const key = header.trim();
  if (key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(
      "invalid_input",
      "Idempotency-Key is 1–255 visible ASCII characters (a UUID is a good choice).",
      "Idempotency-Key",
    );
  }
  return key;
}

/**
 * Claims a key for this request. Returns null when the request should run (the key is now
 * "in progress"), or the stored response when the same request already ran. The same key with a
 * different request is refused (422), and one still running is refused (409).
 */
export async function claimIdempotencyKey({
  db,
  tokenId,
  key,
  route,
  hash,
  now = new Date(),
}: {
  db: DbExecutor;
  tokenId: string;
  key: string;
  route: string;
  hash: string;
  now?: Date;
}): Promise<StoredResponse | null> {
  // An expired key is released first, so the insert below can claim it.
  await db
    .delete(apiIdempotencyKeys)
    .where(
      and(
        eq(apiIdempotencyKeys.tokenId, tokenId),
        eq(apiIdempotencyKeys.key, key),
        lt(apiIdempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
      ),
    );
  const claimed = await db
    .insert(apiIdempotencyKeys)
    .values({ tokenId, key, route, requestHash: hash })
    .onConflictDoNothing()
    .returning({ key: apiIdempotencyKeys.key });
  if (claimed.length > 0) return null;
  const [existing] = await db
    .select()
    .from(apiIdempotencyKeys)
    .where(and(eq(apiIdempotencyKeys.tokenId, tokenId), eq(apiIdempotencyKeys.key, key)))
    .limit(1);
  if (!existing)
    throw new ApiError("idempotency_key_in_use", "That Idempotency-Key was being released; send the request again.");
  if (existing.requestHash !== hash || existing.route !== route) {
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was used with a different request. Use a new key for a new request.",
      "Idempotency-Key",
    );
  }
  if (existing.state !== "done")
    throw new ApiError(
      "idempotency_key_in_use",
      "A request with this Idempotency-Key is still being processed. Retry in a moment.",
    );
  return { status: existing.responseStatus ?? 200, body: existing.responseBody ?? "" };
}

/** Stores the response the key will replay. */
export async function completeIdempotencyKey({
  db,
  tokenId,
  key,
  response,
}: {
  db: DbExecutor;
  tokenId: string;
  key: string;
  response: StoredResponse;
}): Promise<void> {
  await db
    .update(apiIdempotencyKeys)
    .set({ state: "done", responseStatus: response.status, responseBody: response.body, completedAt: new Date() })
    .where(and(eq(apiIdempotencyKeys.tokenId, tokenId), eq(apiIdempotencyKeys.key, key)));
}

/** Lets the key go (the request was refused before it did anything, or failed on our side): a retry runs afresh. */
export async function releaseIdempotencyKey({
  db,
  tokenId,
  key,
}: {
  db: DbExecutor;
  tokenId: string;
  key: string;
}): Promise<void> {
  await db
    .delete(apiIdempotencyKeys)
    .where(and(eq(apiIdempotencyKeys.tokenId, tokenId), eq(apiIdempotencyKeys.key, key)));
}
