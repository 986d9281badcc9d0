import { eq } from "drizzle-orm";
import sharp from "sharp";
import { z } from "zod";
import type { Db } from "@/db";
import { assets, assetVersions, bannedTerms } from "@/db/schema";
import { loadActionableAsset } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { readAll } from "@/lib/images/renditions";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { screenText } from "@/lib/moderation/screen";
import type { AdapterDeps } from "@/lib/providers/types";
import type { BlobStore } from "@/lib/storage/types";
import { cleanCaption } from "./clean";
import { resolveAltTextEngine } from "./settings";
import { lockAsset, settledStatus } from "./state";

/** Hands a draft request to the background engine after commit (inngest/send.ts implements it). */
export type AltTextSender = {
  draftRequested(e: { assetId: string; requestedBy: string | null; overwrite: boolean; key: string }): Promise<void>;
};

export const requestDraftInput = z.object({
  /** A confirmed text is only replaced when the person says so. */
  overwrite: z.boolean().default(false),
  key: z.string().min(8, "Missing request key; reload the page.").max(100),
});

/** Marks the asset "drafting" (the page shows it at once) and sends the request; the function does the rest. */
export async function requestAltTextDraft({
  ctx,
  assetId,
  input,
  sender,
}: {
  ctx: Ctx;
  assetId: string;
  input: unknown;
  sender: AltTextSender;
}) {
  if (!can(ctx.actor.role, "assets.describe")) throw new AppError("forbidden", "Your role cannot write alt text.");
  const { overwrite, key } = parseInput(requestDraftInput, input);
  const asset = await loadActionableAsset(ctx, assetId);
  const engine = await resolveAltTextEngine(ctx.db);
  if (!engine)
    throw new AppError(
      "conflict",
      "Alt-text drafting is off on this installation (an admin chooses an engine under Admin → Alt text). Write the alt text yourself.",
    );
  if (asset.altTextStatus === "confirmed" && !overwrite) {
    throw new AppError(
      "conflict",
      "This alt text is confirmed. Ask for a new draft explicitly if you want to replace it.",
    );
  }
  await ctx.db.transaction(async (tx) => {
    await lockAsset(tx, asset.id);
    await tx.update(assets).set({ altTextStatus: "drafting" }).where(eq(assets.id, asset.id));
    await refreshAssetSearch(tx, [asset.id]);
  });
  try {
    await sender.draftRequested({ assetId: asset.id, requestedBy: ctx.actor.id, overwrite, key });
  } catch (error) {
    // Nothing will draft it: put the status back rather than leave "Drafting…" forever.
    await failAltTextDraft({
      db: ctx.db,
      assetId: asset.id,
      requestedBy: ctx.actor.id,
      message: "the background engine could not be reached",
    });
    throw new AppError("unavailable", "The background engine did not take the request. Try again in a moment.", {
      cause: error,
    });
  }
  return { engine: engine.label };
}

/** The image an engine is shown: the current version, at most 1024 px on its long side, as JPEG (every API takes it, and it is small). */
async function imageForEngine(db: Db, store: BlobStore, versionId: string | null): Promise<Buffer> {
  if (!versionId) throw new AppError("not_found", "The asset has no image yet.");
  const [version] = await db.select().from(assetVersions).where(eq(assetVersions.id, versionId)).limit(1);
  if (!version) throw new AppError("not_found", "The asset's current version does not exist.");
  const obj = await store.get(version.blobKey);
  if (!obj) throw new AppError("not_found", "The asset's image is missing from storage.");
  const original = await readAll(obj.body);
  return sharp(original)
    .rotate()
    .flatten({ background: "#ffffff" })
    .resize(1024, 1024, { fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer();
}

export type DraftOutcome =
  | { outcome: "drafted"; assetId: string; altText: string; engine: string; model: string; bannedTerms: string[] }
  | { outcome: "skipped"; assetId: string; reason: string };

/**
 * One draft: the engine in force captions the current version, the caption is cleaned into alt
 * text and stored as a draft for a person to edit and confirm. A confirmed text is never replaced
 * unless the person asked (overwrite); an automatic request (requestedBy null) never replaces any text.
 * Engine errors are thrown (ProviderError) for the function to retry or give up on.
 */
export async function runAltTextDraft({
  db,
  store,
  assetId,
  requestedBy,
  overwrite,
  deps,
}: {
  db: Db;
  store: BlobStore;
  assetId: string;
  requestedBy: string | null;
  overwrite: boolean;
  deps?: AdapterDeps;
}): Promise<DraftOutcome> {
  const [asset] = await db.select().from(assets).where(eq(assets.id, assetId)).limit(1);
  if (!asset) throw new AppError("not_found", "That asset does not exist.");
  const keep = (a: typeof asset) =>
    a.altTextConfirmedAt && !overwrite
      ? "a person confirmed its alt text"
      : !requestedBy && a.altText
        ? "it already has alt text"
        : null;
  const early = keep(asset);
  if (early) {
    if (asset.altTextStatus === "drafting") await settle(db, assetId);
    return { outcome: "skipped", assetId, reason: early };
  }
  // A person's request marked the asset "drafting"; if it is not any more, someone saved since: theirs wins.
  if (requestedBy && asset.altTextStatus !== "drafting")
    return { outcome: "skipped", assetId, reason: "the alt text changed after the request" };
  const engine = await resolveAltTextEngine(db, deps);
  if (!engine) throw new AppError("conflict", "Alt-text drafting is off on this installation.");
  if (asset.altTextStatus !== "drafting") {
    await db.transaction(async (tx) => {
      await tx.update(assets).set({ altTextStatus: "drafting" }).where(eq(assets.id, assetId));
      await refreshAssetSearch(tx, [assetId]);
    });
  }
  const image = await imageForEngine(db, store, asset.currentVersionId);
  const result = await engine.captioner.caption({ image, contentType: "image/jpeg", model: engine.model });
  const altText = cleanCaption(result.caption);
  if (!altText)
    throw new AppError(
      "unavailable",
      `${engine.label} answered a caption with nothing left to use (“${result.caption.slice(0, 80)}”).`,
    );
  const terms = await db.select({ term: bannedTerms.term, category: bannedTerms.category }).from(bannedTerms);
  const banned = [...new Set(screenText({ terms, texts: [altText] }).matches.map((m) => m.term))];

  return db.transaction(async (tx) => {
    const current = await lockAsset(tx, assetId);
    // A person may have saved or confirmed while the engine worked (the status is no longer "drafting"): theirs wins.
    const late =
      current.altTextStatus !== "drafting" ? "a person changed the alt text while the engine worked" : keep(current);
    if (late) {
      if (current.altTextStatus === "drafting")
        await tx
          .update(assets)
          .set({ altTextStatus: settledStatus(current) })
          .where(eq(assets.id, assetId));
      await refreshAssetSearch(tx, [assetId]);
      return { outcome: "skipped" as const, assetId, reason: late };
    }
    await tx
      .update(assets)
      .set({
        altText,
        altTextStatus: "draft",
        altTextSource: engine.engine,
        altTextConfirmedBy: null,
        altTextConfirmedAt: null,
        updatedAt: new Date(),
      })
      .where(eq(assets.id, assetId));
    await refreshAssetSearch(tx, [assetId]);
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "alt_text.drafted",
        subject: { type: "asset", id: assetId },
        data: {
          engine: engine.engine,
          model: result.model,
          providerId: engine.provider.id,
          requestedBy,
          caption: result.caption.slice(0, 500),
          altText,
          replacedConfirmed: !!current.altTextConfirmedAt,
          ...(banned.length ? { bannedTerms: banned } : {}),
        },
      },
    });
    return {
      outcome: "drafted" as const,
      assetId,
      altText,
      engine: engine.engine,
      model: result.model,
      bannedTerms: banned,
    };
  });
}

async function settle(db: Db, assetId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await lockAsset(tx, assetId);
    if (current.altTextStatus !== "drafting") return;
    await tx
      .update(assets)
      .set({ altTextStatus: settledStatus(current) })
      .where(eq(assets.id, assetId));
    await refreshAssetSearch(tx, [assetId]);
  });
}

/** The draft gave up: the status goes back to what the text is (none, draft or confirmed), and why is audited. */
export async function failAltTextDraft({
  db,
  assetId,
  requestedBy,
  message,
}: {
  db: Db;
  assetId: string;
  requestedBy: string | null;
  message: string;
}): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(assets).where(eq(assets.id, assetId)).limit(1).for("update");
    if (!row) return;
    if (row.altTextStatus === "drafting") {
      await tx
        .update(assets)
        .set({ altTextStatus: settledStatus(row) })
        .where(eq(assets.id, assetId));
      await refreshAssetSearch(tx, [assetId]);
    }
    await recordAudit({
      db: tx,
      input: {
        actor: null,
        action: "alt_text.draft_failed",
        subject: { type: "asset", id: assetId },
        data: { requestedBy, message: message.slice(0, 600) },
      },
    });
  });
}
