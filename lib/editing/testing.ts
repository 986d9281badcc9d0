/**
 * Test helpers for the editor: a real generated asset (the simulator's picture through the A1111
 * adapter, as production makes it), painted masks, and a sender that records what would go to
 * the background engine.
 */
import { eq } from "drizzle-orm";
import sharp from "sharp";
import type { Db } from "@/db";
import { assets, assetVersions, generations, templates, type Asset, type AssetVersion } from "@/db/schema";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { runGeneration } from "@/lib/generation/run-generation";
import { getBlobStore } from "@/lib/storage";
import type { ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import type { EditSender } from "./request-edit";

let counter = 0;

/** Queues and runs one generation of `tier` for the designer; returns its asset and version 1. */
export async function generateAsset(
  db: Db,
  designer: ReturnType<typeof ctxFor>,
  tier: "draft" | "support" | "hero" = "draft",
): Promise<{ asset: Asset; v1: AssetVersion }> {
  const [product] = await db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
  const { version } = await getActiveTemplate(db, product!.id);
  const preset = (await listActivePresets(db)).find((p) => p.preset.tier === tier)!;
  const { batch } = await queueBatch({
    ctx: designer,
    input: {
      templateId: product!.id,
      presetId: preset.preset.id,
      variantsPerRow: 1,
      aspectRatios: ["1:1"],
      rows: [{ line: 1, values: initialValuesFor(version.definition) }],
      idempotencyKey: `editor-test-${++counter}-${Date.now()}`,
    },
  });
  // Seed 1: a picture the NSFW model scores as clearly safe (see lib/checks/pipeline.test.ts).
  const [gen] = await db.update(generations).set({ seed: 1 }).where(eq(generations.batchId, batch.id)).returning();
  const out = await runGeneration({ db, store: getBlobStore(), generationId: gen!.id, attempt: 0 });
  if (out.status !== "succeeded") throw new Error(`generation ${gen!.id} did not succeed: ${out.status}`);
  const [asset] = await db.select().from(assets).where(eq(assets.generationId, gen!.id));
  const [v1] = await db.select().from(assetVersions).where(eq(assetVersions.id, asset!.currentVersionId!));
  return { asset: asset!, v1: v1! };
}

/** A black PNG with a white rectangle: what the editor's brush produces, as base64. */
export async function paintedMask(
  width: number,
  height: number,
  rect?: { left: number; top: number; width: number; height: number },
): Promise<string> {
  const base = sharp({ create: { width, height, channels: 3, background: "#000000" } });
  const png = rect
    ? await base
        .composite([
          {
            input: { create: { width: rect.width, height: rect.height, channels: 3, background: "#ffffff" } },
            left: rect.left,
            top: rect.top,
          },
        ])
        .png()
        .toBuffer()
    : await base.png().toBuffer();
  return png.toString("base64");
}

export function recordingSender(): EditSender & { edits: string[]; checks: string[] } {
  const edits: string[] = [];
  const checks: string[] = [];
  return {
    edits,
    checks,
    async editRequested(e) {
      edits.push(e.editId);
    },
    async checksRequested(ids) {
      checks.push(...ids);
    },
  };
}
