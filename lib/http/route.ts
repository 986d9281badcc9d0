import "server-only";
import { NextResponse } from "next/server";
import type { Ctx } from "@/lib/auth/context";
import { requireCtx } from "@/lib/auth/guard";
import type { Permission } from "@/lib/auth/permissions";
import { statusOf, toPublicError } from "@/lib/errors";

type RouteContext<P> = { params: Promise<P> };

/**
 * Wraps a route handler: runs the guard for its permission, then maps any error to a JSON
 * response with the right status. Stack traces and SQL never reach the client.
 */
export function guardedRoute<P = Record<string, string>>(permission: Permission, handler: (ctx: Ctx, request: Request, params: P) => Promise<Response>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const ctx = await requireCtx(permission);
      return await handler(ctx, request, await context.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function errorResponse(error: unknown): Response {
  const pub = toPublicError(error);
  if (pub.code === "internal") console.error("[route] internal error", error);
  return NextResponse.json({ error: pub }, { status: statusOf(pub) });
}
