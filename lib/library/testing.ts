import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import {
  assets,
  assetTags,
  assetVersions,
  batches,
  checkResults,
  checkRuns,
  costLedger,
  generations,
  presets,
  presetVersions,
  providers,
  reviewDecisions,
  tags,
  templates,
  templateVersions,
  uploads,
  type AssetStatus,
} from "@/db/schema";
import type { Tier } from "@/lib/presets";
import { refreshAssetSearch } from "./refresh";

/**
 * Test data for the library: a small catalog (an endpoint, a preset with LoRAs, one without, a
 * template) and assets inserted directly with everything search looks at — then indexed with the
 * real refreshAssetSearch. Needs seedCatalog first (for the reject reasons' labels).
 */
export type LibraryCatalog = {
  providerId: string;
  loraPreset: { id: string; versionId: string };
  heroPreset: { id: string; versionId: string };
  templateId: string;
  templateVersionId: string;
};

export async function createLibraryCatalog(db: Db): Promise<LibraryCatalog> {
  const suffix = randomUUID().slice(0, 8);
  const [provider] = await db
    .insert(providers)
    .values({
      slug: `studio-gpu-${suffix}`,
      name: `Studio GPU ${suffix}`,
      kind: "a1111",
      baseUrl: "http://127.0.0.1:9",
      allowPrivate: true,
    })
    .returning();
  const preset = async (
    slug: string,
    name: string,
    tier: Tier,
    model: string,
    loras: { name: string; weight: number }[],
  ) => {
    const [p] = await db
      .insert(presets)
      .values({ slug: `${slug}-${suffix}`, name: `${name} ${suffix}`, tier })
      .returning();
    const [v] = await db
      .insert(presetVersions)
      .values({
        presetId: p!.id,
        version: 1,
        providerId: provider!.id,
        model,
        loras,
        params: { width: 1024, height: 1024, steps: 20, sampler: "Euler a", cfgScale: 7 },
        priceModel: { kind: "per_image", microsPerImage: 10_000 },
      })
      .returning();
    await db.update(presets).set({ activeVersionId: v!.id }).where(eq(presets.id, p!.id));
    return { id: p!.id, versionId: v!.id };
  };
  const loraPreset = await preset("lora-look", "LoRA look", "support", "sdxl-base-1.0", [
    { name: "style_lora_v2", weight: 0.8 },
    { name: "grain_lora", weight: 0.3 },
  ]);
  const heroPreset = await preset("hero-plain", "Hero plain", "hero", "flux-dev-1", []);
  const [template] = await db
    .insert(templates)
    .values({ slug: `product-shot-${suffix}`, name: `Product shot ${suffix}` })
    .returning();
  const [tv] = await db
    .insert(templateVersions)
    .values({
      templateId: template!.id,
      version: 1,
      definition: { body: "{product}", styleTokens: "", negativePrompt: "", variables: [] } as never,
    })
    .returning();
  return { providerId: provider!.id, loraPreset, heroPreset, templateId: template!.id, templateVersionId: tv!.id };
}

export type LibraryAssetOptions = {
  ownerId: string;
  preset?: "lora" | "hero";
  status?: AssetStatus;
  statusReason?: string | null;
  campaign?: string | null;
  batchName?: string;
  prompt?: string;
  values?: Record<string, string>;
  carried?: Record<string, string>;
  title?: string;
  createdAt?: Date;
  approvedAt?: Date | null;
  width?: number;
  height?: number;
  /** The newest check run of the current version: verdict and the failing/warning checks' reason codes. */
  check?: { verdict: "pass" | "warn" | "fail"; reasons?: string[] } | null;
  review?: {
    reviewerId: string;
    decision: "approve" | "reject" | "request_changes";
    reasonCode?: string;
    comment?: string;
    undone?: boolean;
  };
  usageNotes?: string;
  tagNames?: string[];
  costMicros?: number;
  /** An uploaded asset (no generation, batch or preset). */
  uploadedFilename?: string;
  originAssetId?: string;
  renditions?: boolean;
};

export async function createLibraryAsset(
  db: Db,
  catalog: LibraryCatalog,
  o: LibraryAssetOptions,
): Promise<{ assetId: string; versionId: string }> {
  const createdAt = o.createdAt ?? new Date();
  const status = o.status ?? "in_review";
  const id = await db.transaction(async (tx) => {
    let assetId: string;
    let blobKey: string;
    if (o.uploadedFilename) {
      const uploadId = randomUUID();
      blobKey = `uploads/${uploadId}/original.png`;
      await tx.insert(uploads).values({
        id: uploadId,
        ownerId: o.ownerId,
        filename: o.uploadedFilename,
        contentType: "image/png",
        bytes: 1000,
        width: o.width ?? 800,
        height: o.height ?? 600,
        sha256: "0".repeat(64),
        blobKey,
        status: "ready",
      });
      const [a] = await tx
        .insert(assets)
        .values({
          source: "uploaded",
          uploadId,
          ownerId: o.ownerId,
          status,
          statusReason: o.statusReason ?? null,
          createdAt,
          title: o.title ?? "",
        })
        .returning();
      assetId = a!.id;
    } else {
      const preset = o.preset === "hero" ? catalog.heroPreset : catalog.loraPreset;
      const tier: Tier = o.preset === "hero" ? "hero" : "support";
      const [batch] = await tx
        .insert(batches)
        .values({
          ownerId: o.ownerId,
          idempotencyKey: randomUUID(),
          name: o.batchName ?? "Library batch",
          campaign: o.campaign ?? null,
          templateVersionId: catalog.templateVersionId,
          source: "csv",
          status: "completed",
          total: 1,
          estimateMicros: 0,
          estimateSeconds: 0,
          settings: { variantsPerRow: 1, aspectRatios: [{ width: 1024, height: 1024 }] },
          createdAt,
        })
        .returning();
      const [gen] = await tx
        .insert(generations)
        .values({
          batchId: batch!.id,
          ownerId: o.ownerId,
          rowLine: 2,
          variantIndex: 0,
          tier,
          presetVersionId: preset.versionId,
          templateVersionId: catalog.templateVersionId,
          values: o.values ?? {},
          carriedColumns: o.carried ?? {},
          title: o.title ?? "",
          prompt: o.prompt ?? "a ceramic mug on a wooden table",
          negativePrompt: "",
          seed: 42,
          width: o.width ?? 1024,
          height: o.height ?? 1024,
          status: "succeeded",
          blobKey: `generations/${randomUUID()}/original.png`,
          createdAt,
          originAssetId: o.originAssetId ?? null,
        })
        .returning();
      blobKey = gen!.blobKey!;
      const [a] = await tx
        .insert(assets)
        .values({
          generationId: gen!.id,
          batchId: batch!.id,
          ownerId: o.ownerId,
          tier,
          presetVersionId: preset.versionId,
          status,
          statusReason: o.statusReason ?? null,
          approvedAt: o.approvedAt ?? (status === "approved" ? createdAt : null),
          usageNotes: o.usageNotes ?? null,
          metadata: o.carried ?? {},
          createdAt,
          originAssetId: o.originAssetId ?? null,
        })
        .returning();
      assetId = a!.id;
      if (o.costMicros) {
        await tx.insert(costLedger).values({
          callKey: `${gen!.id}:1`,
          generationId: gen!.id,
          presetVersionId: preset.versionId,
          providerId: catalog.providerId,
          userId: o.ownerId,
          operation: "generate",
          outcome: "succeeded",
          billable: true,
          micros: o.costMicros,
          batchId: batch!.id,
          lineageRootId: gen!.id,
        });
      }
    }
    const thumbKey = blobKey.replace(/original\.png$/, "thumb.webp");
    const [version] = await tx
      .insert(assetVersions)
      .values({
        assetId,
        number: 1,
        operation: "generate",
        blobKey,
        width: o.width ?? 1024,
        height: o.height ?? 1024,
        renditions:
          o.renditions === false
            ? {}
            : {
                thumb: { key: thumbKey, width: 256, height: 256, bytes: 100, contentType: "image/webp" },
                preview: {
                  key: thumbKey.replace("thumb", "preview"),
                  width: 1024,
                  height: 1024,
                  bytes: 1000,
                  contentType: "image/webp",
                },
              },
      })
      .returning();
    await tx
      .update(assets)
      .set({ currentVersionId: version!.id, usageNotes: o.usageNotes ?? null })
      .where(eq(assets.id, assetId));
    if (o.check) {
      const [run] = await tx
        .insert(checkRuns)
        .values({
          assetVersionId: version!.id,
          trigger: "generated",
          thresholds: {},
          status: "decided",
          verdict: o.check.verdict,
          decidedAt: createdAt,
          createdAt,
        })
        .returning();
      for (const [i, reason] of (o.check.reasons ?? []).entries()) {
        await tx.insert(checkResults).values({
          checkRunId: run!.id,
          checkId: `check-${i}-${reason}`,
          checkVersion: 1,
          verdict: o.check.verdict === "pass" ? "warn" : o.check.verdict,
          reasonCode: reason,
          detail: "",
          durationMs: 1,
        });
      }
    }
    if (o.review) {
      await tx.insert(reviewDecisions).values({
        assetId,
        assetVersionId: version!.id,
        reviewerId: o.review.reviewerId,
        decision: o.review.decision,
        reasonCode: o.review.reasonCode ?? null,
        comment: o.review.comment ?? null,
        undoneAt: o.review.undone ? new Date() : null,
      });
    }
    for (const name of o.tagNames ?? []) {
      const [tag] = await tx
        .insert(tags)
        .values({ name })
        .onConflictDoUpdate({ target: tags.name, set: { name } })
        .returning();
      await tx.insert(assetTags).values({ assetId, tagId: tag!.id });
    }
    await refreshAssetSearch(tx, [assetId]);
    return { assetId, versionId: version!.id };
  });
  return id;
}
