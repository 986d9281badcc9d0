import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { Ctx } from "@/lib/auth/context";
import { requireCtx } from "@/lib/auth/guard";
import type { Permission } from "@/lib/auth/permissions";
import { toPublicError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import type { ActionResult } from "./action-result";

export type { ActionResult } from "./action-result";

/** Wraps a server action: the guard first, then the lib call; errors come back as data for the form. */
export async function guardedAction<T>(
  permission: Permission,
  fn: (ctx: Ctx) => Promise<T>,
  message?: string,
): Promise<ActionResult<T>> {
  try {
    const ctx = await requireCtx(permission);
    return { ok: true, data: await fn(ctx), ...(message ? { message } : {}) };
  } catch (error) {
    unstable_rethrow(error); // let redirect()/notFound() through
    const pub = toPublicError(error);
    if (pub.code === "internal") logger.error({ err: error }, "action: internal error");
    return { ok: false, error: pub };
  }
}
