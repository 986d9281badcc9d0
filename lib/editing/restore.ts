import { eq } from "drizzle-orm";
import { z } from "zod";
import { assetEdits, assetVersions } from "@/db/schema";
import { addAssetVersion, newVersionBecomesCurrent } from "@/lib/assets/add-version";
import { assetTier } from "@/lib/assets/tier";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { AppError, parseInput } from "@/lib/errors";
import { findEditByKey, loadEditableVersion, type EditSender } from "./request-edit";

export const restoreVersionInput = z.object({
  assetId: z.string().uuid("Unknown asset."),
  versionNumber: z.number({ error: "Choose the version to restore." }).int().positive(),
  idempotencyKey: z.string().min(8, "Missing request key; reload the page.").max(100),
});

/**
 * Restores an older version as a NEW version (the history is never rewritten): the same image
 * bytes (blob keys are immutable, so the new version shares them) and renditions, parent = the
 * restored version, operation "restore". Immediate — no engine — then back through the checks.
 */
export async function restoreVersion({
  ctx,
  input,
  send,
}: {
  ctx: Ctx;
  input: z.input<typeof restoreVersionInput>;
  send: EditSender;
}) {
  const data = parseInput(restoreVersionInput, input);
  const existing = await findEditByKey(ctx, data.idempotencyKey);
  if (existing) return { edit: existing, created: false };
  const { asset, version } = await loadEditableVersion(ctx, data.assetId, data.versionNumber);
  if (asset.currentVersionId === version.id)
    throw new AppError("conflict", `Version ${version.number} is already the current version.`);
  const out = await ctx.db.transaction(async (tx) => {
    const [edit] = await tx
      .insert(assetEdits)
      .values({
        assetId: asset.id,
        sourceVersionId: version.id,
        operation: "restore",
        params: {},
        engine: "restore",
        status: "running",
        requestedBy: ctx.actor.id,
        idempotencyKey: data.idempotencyKey,
        startedAt: new Date(),
      })
      .returning();
    const added = await addAssetVersion(tx, {
      assetId: asset.id,
      operation: "restore",
      blobKey: version.blobKey,
      width: version.width,
      height: version.height,
      createdBy: ctx.actor.id,
      parentVersionId: version.id,
      makeCurrent: newVersionBecomesCurrent(assetTier(asset)),
    });
    await tx
      .update(assetVersions)
      .set({ editId: edit!.id, renditions: version.renditions })
      .where(eq(assetVersions.id, added.version.id));
    const [done] = await tx
      .update(assetEdits)
      .set({ status: "succeeded", progress: 100, resultVersionId: added.version.id, finishedAt: new Date() })
      .where(eq(assetEdits.id, edit!.id))
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "asset.version_restored",
        subject: { type: "asset", id: asset.id },
        data: { editId: edit!.id, restored: version.number, version: added.version.number },
        ip: ctx.ip,
      },
    });
    return { edit: done!, checkRunId: added.checkRunId, version: added.version };
  });
  await send.checksRequested([out.checkRunId]);
  return { edit: out.edit, created: true, version: out.version };
}
