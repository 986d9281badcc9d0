import "server-only";
import { getDatabase } from "@/db";
import { recordAudit } from "@/lib/audit";
import { clientIp } from "@/lib/auth/request-ip";
import type { Permission } from "@/lib/auth/permissions";
import { readBearerToken, resolveApiToken, type Scope, type TokenCtx } from "@/lib/api-tokens";
import { env } from "@/lib/env";
import { withRequestLog } from "@/lib/observability/request-log";
import { apiErrorBody, ApiError } from "./errors";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  multipartRequestHash,
  parseIdempotencyKey,
  releaseIdempotencyKey,
  requestHash,
} from "./idempotency";
import { rateLimitHeaders, takeRateLimit, type RateLimitState } from "./rate-limit";

export type ApiBody = "json" | "multipart";

/** A /api/v1 route's declaration: the token scope and the role permission it needs, and the bodies it takes. */
export type ApiRouteDeclaration = { scope: Scope | "any"; permission: Permission; body?: ApiBody[] };

/** Largest request body /api/v1 reads (a CSV of a few thousand rows fits). */
export const API_MAX_BODY_BYTES = 10 * 1024 * 1024;

type RouteContext<P> = { params: Promise<P> };

/** A JSON answer with the API's conventions (no caching of private data). */
export function apiJson(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/**
 * The one wrapper every /api/v1 route goes through, instead of the console's session wrapper:
 *  1. the token (Authorization: Bearer) — never the session cookie, so no page on another site can
 *     act through a signed-in browser — its scope, and its owner's role against the permission table;
 *  2. the per-token rate limit (RateLimit-* headers on every answer; 429 with Retry-After);
 *  3. for writes: the declared content type, a size cap, and Idempotency-Key (Stripe's semantics);
 *  4. the handler, whose errors become `{error: {code, message, field?}}`; every write is audited
 *     with the token that made it.
 */
export function apiRoute<P = Record<string, string>>(
  declaration: ApiRouteDeclaration,
  handler: (ctx: TokenCtx, request: Request, params: P) => Promise<Response>,
) {
  const bodies = declaration.body ?? ["json"];
  return (request: Request, context: RouteContext<P>): Promise<Response> =>
    // One log line per request, with its id (also the x-request-id response header) and the token's owner once known.
    withRequestLog(request, async (entry) => {
      let limit: RateLimitState | null = null;
      const withLimit = (response: Response) => {
        if (limit) for (const [k, v] of Object.entries(rateLimitHeaders(limit))) response.headers.set(k, v);
        return response;
      };
      const fail = (error: unknown) => {
        const { status, body } = apiErrorBody(error, entry.requestId);
        return withLimit(apiJson(body, status));
      };
      let ctx: TokenCtx;
      try {
        readBearerToken(request.headers.get("authorization")); // a request without a token costs no database read
        const { db } = await getDatabase();
        ctx = await resolveApiToken({
          db,
          authorization: request.headers.get("authorization"),
          ip: await clientIp(),
          scope: declaration.scope,
          permission: declaration.permission,
        });
        entry.userId = ctx.actor.id;
        limit = await takeRateLimit({ db, tokenId: ctx.token.id, limit: env().KILN_API_RATE_LIMIT_PER_MINUTE });
        if (!limit.allowed)
          throw new ApiError(
            "rate_limited",
            `This token made more than ${limit.limit} requests this minute. Retry after ${limit.resetSeconds} s.`,
          );
      } catch (error) {
        return fail(error);
      }
      if (request.method === "GET" || request.method === "HEAD") {
        try {
          return withLimit(await handler(ctx, request, await context.params));
        } catch (error) {
          return fail(error);
        }
      }
      return withLimit(await runWrite(ctx, declaration, bodies, request, context, handler, fail));
    });
}

async function runWrite<P>(
  ctx: TokenCtx,
  declaration: ApiRouteDeclaration,
  bodies: ApiBody[],
  request: Request,
  context: RouteContext<P>,
  handler: (ctx: TokenCtx, request: Request, params: P) => Promise<Response>,
  fail: (error: unknown) => Response,
): Promise<Response> {
  const url = new URL(request.url);
  const route = `${request.method} ${url.pathname}`;
  let key: string | null = null;
  let response: Response;
  let replayed = false;
  try {
    const bytes = await readBody(request, bodies);
    key = parseIdempotencyKey(request.headers.get("idempotency-key"));
    if (key) {
      const type = request.headers.get("content-type") ?? "";
      const target = url.pathname + url.search;
      const hash = /^multipart\/form-data/i.test(type)
        ? await multipartRequestHash(request.method, target, bytes, type)
        : requestHash(request.method, target, bytes);
      const stored = await claimIdempotencyKey({ db: ctx.db, tokenId: ctx.token.id, key, route, hash });
      if (stored) {
        replayed = true;
        response = apiJson(JSON.parse(stored.body || "null"), stored.status, { "Idempotent-Replayed": "true" });
      }
    }
    if (!replayed) {
      const copy = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body: bytes.length ? Buffer.from(bytes) : undefined,
      });
      try {
        response = await handler(ctx, copy, await context.params);
      } catch (error) {
        response = fail(error);
      }
      if (key) {
        // Stripe keeps the outcome of a request that ran, errors included; a refusal before it ran
        // (validation, rate, our own failure) is let go so a corrected retry with the same key works.
        const keep = response!.status < 500 && response!.status !== 400 && response!.status !== 429;
        if (keep)
          await completeIdempotencyKey({
            db: ctx.db,
            tokenId: ctx.token.id,
            key,
            response: { status: response!.status, body: await response!.clone().text() },
          });
        else await releaseIdempotencyKey({ db: ctx.db, tokenId: ctx.token.id, key });
      }
    }
  } catch (error) {
    return fail(error);
  }
  await recordAudit({
    db: ctx.db,
    input: {
      actor: ctx.actor,
      action: "api.write",
      subject: { type: "api_token", id: ctx.token.id },
      data: {
        route,
        status: response!.status,
        ...(key ? { idempotencyKey: key } : {}),
        ...(replayed ? { replayed: true } : {}),
        scope: declaration.scope,
      },
      ip: ctx.ip,
    },
  });
  return response!;
}

/** The body's bytes, after checking its declared type and capping its size. */
async function readBody(request: Request, bodies: ApiBody[]): Promise<Uint8Array> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? null;
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > API_MAX_BODY_BYTES)
    throw new ApiError("payload_too_large", `The body is over ${API_MAX_BODY_BYTES / 1024 / 1024} MB.`);
  if (!request.body) return new Uint8Array();
  const wanted: string[] = bodies.map((b) => (b === "json" ? "application/json" : "multipart/form-data"));
  if (!type || !wanted.includes(type))
    throw new ApiError(
      "unsupported_media_type",
      `This endpoint accepts ${wanted.join(" or ")}${type ? `, not ${type}` : ""}.`,
    );
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > API_MAX_BODY_BYTES) {
      await reader.cancel();
      throw new ApiError("payload_too_large", `The body is over ${API_MAX_BODY_BYTES / 1024 / 1024} MB.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body with a zod schema into the API's error shape. */
export { parseInput as parseApiInput } from "@/lib/errors";
