import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { assetEdits, assetVersions, providers, type AssetEdit, type AssetVersion } from "@/db/schema";
import { loadActionableAsset } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import type { BlobStore } from "@/lib/storage/types";
import { decodeBase64Image, normaliseMask } from "./mask";
import { effectiveSettings } from "./registry";

/** Hands work to the background engine after commit (inngest/send.ts implements it). */
export type EditSender = {
  editRequested(e: { editId: string; assetId: string; userId: string }): Promise<void>;
  checksRequested(checkRunIds: string[]): Promise<void>;
};

const HEX = /^#[0-9a-fA-F]{6}$/;

export const requestEditInput = z
  .object({
    assetId: z.string().uuid("Unknown asset."),
    operation: z.enum(["erase", "upscale", "remove_background"], {
      error: "Choose erase, upscale or remove background.",
    }),
    sourceVersionNumber: z.number({ error: "Choose the version to edit." }).int().positive(),
    params: z
      .object({
        scale: z.union([z.literal(2), z.literal(4)], { error: "Upscale by 2× or 4×." }).optional(),
        background: z
          .union([z.literal("transparent"), z.string().regex(HEX, "A background colour is #rrggbb.")])
          .optional(),
      })
      .default({}),
    /** The painted mask for erase: a PNG as base64 or a data: URL, white where to erase. */
    mask: z
      .string()
      .max(12 * 1024 * 1024, "The mask is too large.")
      .optional(),
    idempotencyKey: z.string().min(8, "Missing request key; reload the page.").max(100),
  })
  .superRefine((v, issue) => {
    if (v.operation === "erase" && !v.mask)
      issue.addIssue({ code: "custom", path: ["mask"], message: "Paint the area to erase first." });
    if (v.operation === "upscale" && !v.params.scale)
      issue.addIssue({ code: "custom", path: ["params", "scale"], message: "Upscale by 2× or 4×." });
  });
export type RequestEditInput = z.input<typeof requestEditInput>;

export function assertCanEdit(ctx: Ctx): void {
  if (!can(ctx.actor.role, "assets.edit")) throw new AppError("forbidden", "Only designers and admins edit assets.");
}

/** The version `number` of an asset the actor may edit (designers: their own assets; admins: any). */
export async function loadEditableVersion(ctx: Ctx, assetId: string, number: number) {
  assertCanEdit(ctx);
  const asset = await loadActionableAsset(ctx, assetId);
  const [version] = await ctx.db
    .select()
    .from(assetVersions)
    .where(and(eq(assetVersions.assetId, asset.id), eq(assetVersions.number, number)))
    .limit(1);
  if (!version) throw new AppError("not_found", `Version ${number} of this asset does not exist.`);
  return { asset, version };
}

async function storeMask(store: BlobStore, assetId: string, raw: string, version: AssetVersion): Promise<string> {
  const mask = await normaliseMask(decodeBase64Image(raw), { width: version.width, height: version.height });
  // Content-addressed: a double click stores the same bytes under the same key.
  const key = `assets/${assetId}/masks/${createHash("sha256").update(mask).digest("hex").slice(0, 32)}.png`;
  await store.put(key, mask, { contentType: "image/png" });
  return key;
}

/** The edit this user already asked for with this key (a double click or a retried request), if any. */
export async function findEditByKey(ctx: Ctx, idempotencyKey: string): Promise<AssetEdit | undefined> {
  const [existing] = await ctx.db
    .select()
    .from(assetEdits)
    .where(and(eq(assetEdits.requestedBy, ctx.actor.id), eq(assetEdits.idempotencyKey, idempotencyKey)))
    .limit(1);
  return existing;
}

/**
 * Queues one editor operation on a version of an asset: validated, priced and given its engine
 * (the admin's setting in force now, snapshotted on the edit), stored, audited, and sent to the
 * background function after commit. The same idempotency key from the same user queues once.
 */
export async function requestEdit({
  ctx,
  input,
  store,
  send,
}: {
  ctx: Ctx;
  input: RequestEditInput;
  store: BlobStore;
  send: EditSender;
}): Promise<{ edit: AssetEdit; created: boolean }> {
  assertCanEdit(ctx);
  const data = parseInput(requestEditInput, input);
  const existing = await findEditByKey(ctx, data.idempotencyKey);
  if (existing) return { edit: existing, created: false };

  const { asset, version } = await loadEditableVersion(ctx, data.assetId, data.sourceVersionNumber);
  const setting = (await effectiveSettings(ctx.db))[data.operation];
  if (!setting)
    throw new AppError(
      "unavailable",
      "No engine on this server can do that. Ask an admin to choose one under Editor engines.",
    );
  if (setting.providerId) {
    const [p] = await ctx.db
      .select({ paused: providers.paused, name: providers.name })
      .from(providers)
      .where(eq(providers.id, setting.providerId));
    if (p?.paused)
      throw new AppError(
        "unavailable",
        `${p.name} is paused by an admin. Try again later, or ask an admin to pick another engine.`,
      );
  }
  const maskBlobKey = data.operation === "erase" ? await storeMask(store, asset.id, data.mask!, version) : null;
  const params: Record<string, unknown> = {
    ...(data.operation === "upscale" ? { scale: data.params.scale } : {}),
    ...(data.operation === "remove_background" ? { background: data.params.background ?? "transparent" } : {}),
    // The price in force when the edit was asked for: what the ledger row will charge.
    priceModel: setting.priceModel,
  };

  const result = await ctx.db.transaction(async (tx) => {
    const [edit] = await tx
      .insert(assetEdits)
      .values({
        assetId: asset.id,
        sourceVersionId: version.id,
        operation: data.operation,
        params,
        maskBlobKey,
        engine: setting.engine,
        providerId: setting.providerId,
        requestedBy: ctx.actor.id,
        idempotencyKey: data.idempotencyKey,
      })
      .onConflictDoNothing()
      .returning();
    if (!edit) return null; // a concurrent double click won the insert
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "edit.requested",
        subject: { type: "asset", id: asset.id },
        data: {
          editId: edit.id,
          operation: data.operation,
          sourceVersion: version.number,
          engine: setting.engine,
          providerId: setting.providerId,
          params,
        },
        ip: ctx.ip,
      },
    });
    return edit;
  });
  if (!result) {
    const [winner] = await ctx.db
      .select()
      .from(assetEdits)
      .where(and(eq(assetEdits.requestedBy, ctx.actor.id), eq(assetEdits.idempotencyKey, data.idempotencyKey)));
    return { edit: winner!, created: false };
  }
  await send.editRequested({ editId: result.id, assetId: asset.id, userId: ctx.actor.id });
  return { edit: result, created: true };
}
