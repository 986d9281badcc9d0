import { desc, eq, inArray } from "drizzle-orm";
import { assetEdits, assetVersions, checkRuns, generations, providers, users, type AssetEdit } from "@/db/schema";
import { loadActionableAsset } from "@/lib/assets/access";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { costOfCall } from "@/lib/costs/estimate";
import { blobRouteUrl } from "@/lib/storage/keys";
import { EDIT_OPERATION_KINDS, effectiveSettings, findLocalEngine } from "./registry";
import { sendToReviewBlocker, versionsForReview } from "./send-to-review";
import type { EditOperationKind } from "./engines/types";
import { assetTier } from "@/lib/assets/tier";
import { assetTitle } from "@/lib/assets/title";

/**
 * What the editor shows: every version (number, operation, who, when, engine, cost, checks) with
 * its image, the edits in flight or failed (progress, reason), and per operation the engine in
 * force with its price for this image. The page polls it while an edit runs.
 */
export async function getEditorView({ ctx, assetId }: { ctx: Ctx; assetId: string }) {
  const asset = await loadActionableAsset(ctx, assetId);
  const [versions, edits, [gen]] = await Promise.all([
    ctx.db.select().from(assetVersions).where(eq(assetVersions.assetId, asset.id)).orderBy(desc(assetVersions.number)),
    ctx.db
      .select()
      .from(assetEdits)
      .where(eq(assetEdits.assetId, asset.id))
      .orderBy(desc(assetEdits.createdAt))
      .limit(200),
    asset.generationId
      ? ctx.db
          .select({ prompt: generations.prompt, line: generations.rowLine, variant: generations.variantIndex })
          .from(generations)
          .where(eq(generations.id, asset.generationId))
      : [],
  ]);
  const versionIds = versions.map((v) => v.id);
  const people = [
    ...new Set([
      asset.ownerId,
      ...versions.flatMap((v) => (v.createdBy ? [v.createdBy] : [])),
      ...edits.map((e) => e.requestedBy),
    ]),
  ];
  const providerIds = [...new Set(edits.flatMap((e) => (e.providerId ? [e.providerId] : [])))];
  const [names, runs, forReview, settings, endpoints] = await Promise.all([
    ctx.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, people)),
    versionIds.length
      ? ctx.db
          .select()
          .from(checkRuns)
          .where(inArray(checkRuns.assetVersionId, versionIds))
          .orderBy(desc(checkRuns.createdAt))
      : [],
    versionsForReview(ctx.db, versionIds),
    effectiveSettings(ctx.db),
    providerIds.length
      ? ctx.db
          .select({ id: providers.id, name: providers.name })
          .from(providers)
          .where(inArray(providers.id, providerIds))
      : [],
  ]);
  const engineLabel = (e: AssetEdit) => {
    if (e.operation === "restore") return "copy of an earlier version";
    const endpoint = endpoints.find((p) => p.id === e.providerId);
    return endpoint ? `${e.engine} on ${endpoint.name}` : (findLocalEngine(e.engine)?.label ?? e.engine);
  };
  const nameOf = (id: string | null) => names.find((n) => n.id === (id ?? asset.ownerId))?.name ?? "—";
  const current = versions.find((v) => v.id === asset.currentVersionId) ?? versions[0]!;
  const canEdit = can(ctx.actor.role, "assets.edit") && (ctx.actor.role === "admin" || asset.ownerId === ctx.actor.id);

  return {
    asset: {
      id: asset.id,
      title: assetTitle({ title: asset.title, line: gen?.line, variant: gen?.variant }),
      status: asset.status,
      statusReason: asset.statusReason,
      tier: assetTier(asset),
      source: asset.source,
      prompt: gen?.prompt ?? "",
      currentVersion: current.number,
    },
    canEdit,
    versions: versions.map((v) => {
      const edit = v.editId ? edits.find((e) => e.id === v.editId) : undefined;
      const run = runs.find((r) => r.assetVersionId === v.id);
      return {
        id: v.id,
        number: v.number,
        operation: v.operation,
        parentNumber: versions.find((p) => p.id === v.parentVersionId)?.number ?? null,
        by: nameOf(v.createdBy),
        at: v.createdAt.toISOString(),
        engine: edit?.engine ?? null,
        engineLabel: edit ? engineLabel(edit) : null,
        costMicros: edit?.costMicros ?? 0,
        params: edit ? withoutPrice(edit.params) : {},
        maskUrl: edit?.maskBlobKey ? blobRouteUrl(edit.maskBlobKey) : null,
        width: v.width,
        height: v.height,
        url: blobRouteUrl(v.blobKey),
        previewUrl: v.renditions.preview ? blobRouteUrl(v.renditions.preview.key) : null,
        thumbUrl: v.renditions.thumb ? blobRouteUrl(v.renditions.thumb.key) : null,
        /** Whether the image has transparent pixels (a checkerboard behind it); null until its renditions say. */
        hasAlpha: v.renditions.thumb?.hasAlpha ?? null,
        checks: run ? { status: run.status, verdict: run.verdict, reasonCode: run.reasonCode } : null,
        current: v.id === current.id,
        sendToReviewBlocked: sendToReviewBlocker({ ...asset, tier: assetTier(asset) }, forReview.get(v.id)!),
      };
    }),
    /** Edits not yet turned into a version: queued, running, or failed (with the reason). */
    edits: edits
      .filter((e) => e.status !== "succeeded")
      .map((e) => ({
        id: e.id,
        operation: e.operation,
        status: e.status,
        progress: e.progress,
        errorCode: e.errorCode,
        errorMessage: e.errorMessage,
        sourceNumber: versions.find((v) => v.id === e.sourceVersionId)?.number ?? null,
        by: nameOf(e.requestedBy),
        at: e.createdAt.toISOString(),
        engineLabel: engineLabel(e),
        costMicros: e.costMicros,
      })),
    engines: Object.fromEntries(
      EDIT_OPERATION_KINDS.map((op) => {
        const s = settings[op];
        const size =
          op === "upscale"
            ? { width: current.width * 2, height: current.height * 2 }
            : { width: current.width, height: current.height };
        return [
          op,
          s
            ? {
                label: s.label,
                local: s.local,
                estimateMicros: s.priceModel && !s.local ? costOfCall(s.priceModel, size) : 0,
              }
            : null,
        ];
      }),
    ) as Record<EditOperationKind, { label: string; local: boolean; estimateMicros: number } | null>,
  };
}

export type EditorView = Awaited<ReturnType<typeof getEditorView>>;

function withoutPrice(params: Record<string, unknown>): Record<string, unknown> {
  const { priceModel: _price, ...rest } = params;
  return rest;
}
