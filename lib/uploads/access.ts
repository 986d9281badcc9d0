import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";

/** Designers see their own uploads; reviewers and admins see everyone's (listUploads and blobs alike). */
export function seesAllUploads(ctx: Ctx): boolean {
  return ctx.actor.role !== "designer";
}

/** The upload rule for one upload and anything stored with it (original, renditions). */
export function seesUploadOwnedBy(ctx: Ctx, ownerId: string): boolean {
  return can(ctx.actor.role, "uploads.view") && (seesAllUploads(ctx) || ownerId === ctx.actor.id);
}
