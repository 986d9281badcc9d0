import "server-only";
import { NextResponse } from "next/server";
import type { Ctx } from "@/lib/auth/context";
import { requireCtx } from "@/lib/auth/guard";
import type { Permission } from "@/lib/auth/permissions";
import { env } from "@/lib/env";
import { statusOf, toPublicError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { withRequestLog } from "@/lib/observability/request-log";
import { assertBodyRule, type BodyRule } from "./body-rule";
import { assertNotCrossSiteRead, assertSameOrigin, isStateChanging } from "./request-origin";

export type { BodyRule } from "./body-rule";

type RouteContext<P> = { params: Promise<P> };

/** A route's declaration: the permission it needs and, for state-changing methods, the body it takes (default "json"). */
export type RouteDeclaration = Permission | { permission: Permission; body?: BodyRule };

/**
 * Wraps a route handler. For a state-changing method it first refuses cross-origin requests and
 * bodies the route does not declare — before the session lookup, any body parsing or any write —
 * and for a read it refuses one that another site started; then it runs the guard for its permission, then maps any error to the one JSON error shape.
 * Stack traces and SQL never reach the client.
 */
export function guardedRoute<P = Record<string, string>>(
  declaration: RouteDeclaration,
  handler: (ctx: Ctx, request: Request, params: P) => Promise<Response>,
) {
  const { permission, body = "json" } = typeof declaration === "string" ? { permission: declaration } : declaration;
  return (request: Request, context: RouteContext<P>): Promise<Response> =>
    // One log line per request, with its id (also the x-request-id response header) and the user once known.
    withRequestLog(request, async (entry) => {
      try {
        if (isStateChanging(request.method)) {
          assertSameOrigin(request, env().KILN_URL);
          assertBodyRule(body, request.headers);
        } else assertNotCrossSiteRead(request);
        const ctx = await requireCtx(permission);
        entry.userId = ctx.actor.id;
        return await handler(ctx, request, await context.params);
      } catch (error) {
        return errorResponse(error, entry.requestId);
      }
    });
}

export function errorResponse(error: unknown, requestId?: string): Response {
  const pub = toPublicError(error);
  if (pub.code === "internal") logger.error({ err: error, requestId }, "route: internal error");
  return NextResponse.json({ error: pub }, { status: statusOf(pub) });
}
