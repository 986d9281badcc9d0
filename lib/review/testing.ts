import { randomUUID } from "node:crypto";
import { eq, max } from "drizzle-orm";
import type { Db } from "@/db";
import {
  assets,
  assetVersions,
  batches,
  checkRuns,
  generations,
  presets,
  templates,
  type Asset,
  type AssetVersion,
} from "@/db/schema";
import type { Tier } from "@/lib/presets";

/**
 * Test helpers: an asset waiting for review, inserted directly (no provider, no checks), on the
 * catalog seedCatalog made (it needs the seeded presets and templates).
 */
export type ReviewFixture = { asset: Asset; version: AssetVersion };

export async function createAssetInReview(
  db: Db,
  {
    ownerId,
    tier = "support",
    enteredReviewAt = new Date(),
    campaign = null,
    verdict = "pass",
    prompt = "a ceramic mug on a wooden table",
  }: {
    ownerId: string;
    tier?: Tier;
    enteredReviewAt?: Date;
    campaign?: string | null;
    /** The verdict of a decided check run on the version; null: no run at all. */
    verdict?: "pass" | "warn" | null;
    prompt?: string;
  },
): Promise<ReviewFixture> {
  const [preset] = await db.select().from(presets).where(eq(presets.tier, tier)).limit(1);
  if (!preset?.activeVersionId)
    throw new Error(`No seeded ${tier} preset: call seedCatalog with a simulator URL first.`);
  const [template] = await db.select().from(templates).limit(1);
  if (!template?.activeVersionId) throw new Error("No seeded template: call seedCatalog first.");
  return db.transaction(async (tx) => {
    const [batch] = await tx
      .insert(batches)
      .values({
        ownerId,
        idempotencyKey: `review-fixture-${randomUUID()}`,
        name: "Review fixture",
        campaign,
        templateVersionId: template.activeVersionId!,
        source: "form",
        status: "completed",
        total: 1,
        estimateMicros: 0,
        estimateSeconds: 0,
        settings: { variantsPerRow: 1, aspectRatios: [{ width: 1024, height: 1024 }] },
      })
      .returning();
    const [gen] = await tx
      .insert(generations)
      .values({
        batchId: batch!.id,
        ownerId,
        rowLine: 1,
        variantIndex: 0,
        tier,
        presetVersionId: preset.activeVersionId!,
        templateVersionId: template.activeVersionId!,
        values: {},
        prompt,
        negativePrompt: "",
        seed: Math.floor(Math.random() * 2 ** 31),
        width: 1024,
        height: 1024,
        status: "succeeded",
        blobKey: `fixtures/${randomUUID()}.png`,
      })
      .returning();
    const [asset] = await tx
      .insert(assets)
      .values({
        generationId: gen!.id,
        batchId: batch!.id,
        ownerId,
        tier,
        presetVersionId: preset.activeVersionId!,
        status: "in_review",
        enteredReviewAt,
      })
      .returning();
    const [version] = await tx
      .insert(assetVersions)
      .values({
        assetId: asset!.id,
        number: 1,
        operation: "generate",
        blobKey: gen!.blobKey!,
        width: 1024,
        height: 1024,
      })
      .returning();
    if (verdict) {
      await tx.insert(checkRuns).values({
        assetVersionId: version!.id,
        trigger: "generated",
        thresholds: {},
        status: "decided",
        verdict,
        reasonCode: verdict === "warn" ? "text_detected" : null,
        decidedAt: new Date(),
      });
    }
    const [updated] = await tx
      .update(assets)
      .set({ currentVersionId: version!.id })
      .where(eq(assets.id, asset!.id))
      .returning();
    return { asset: updated!, version: version! };
  });
}

/** An edit: a new version of the asset (by createdBy, if given) that becomes the current one. */
export async function addAssetVersion(
  db: Db,
  assetId: string,
  { createdBy = null }: { createdBy?: string | null } = {},
): Promise<AssetVersion> {
  return db.transaction(async (tx) => {
    const [last] = await tx
      .select({ n: max(assetVersions.number) })
      .from(assetVersions)
      .where(eq(assetVersions.assetId, assetId));
    const [current] = await tx.select({ id: assets.currentVersionId }).from(assets).where(eq(assets.id, assetId));
    const [version] = await tx
      .insert(assetVersions)
      .values({
        assetId,
        number: (last?.n ?? 0) + 1,
        parentVersionId: current?.id ?? null,
        operation: "crop",
        blobKey: `fixtures/${randomUUID()}.png`,
        width: 1024,
        height: 1024,
        createdBy,
      })
      .returning();
    await tx.update(assets).set({ currentVersionId: version!.id, updatedAt: new Date() }).where(eq(assets.id, assetId));
    return version!;
  });
}
