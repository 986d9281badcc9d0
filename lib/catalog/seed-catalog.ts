import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { presets, presetVersions, providers, templates, templateVersions } from "@/db/schema";
import { SEED_PRESETS } from "@/lib/presets/seed-presets";
import { seedRejectReasons } from "@/lib/review/reasons";
import { SEED_TEMPLATES } from "@/lib/templates/seed-templates";

const CATALOG_LOCK_KEY = 7_305_120;
export const SIMULATOR_SLUG = "kiln-simulator";
/** The seeded simulator's own per-endpoint limit: the default KILN_PROVIDER_CONCURRENCY, so the demo runs as before. */
const SIMULATOR_CONCURRENCY = 4;

/**
 * Gives a new installation something to generate with: the built-in simulator endpoint, one
 * preset per tier and the three seed templates. Idempotent; it never touches what an admin made,
 * except that the built-in simulator's URL follows KILN_SIMULATOR_PORT.
 */
export async function seedCatalog({ db, simulatorUrl }: { db: Db; simulatorUrl: string | null }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CATALOG_LOCK_KEY})`);
    let [simulator] = await tx.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG)).limit(1);
    if (!simulator && simulatorUrl) {
      [simulator] = await tx
        .insert(providers)
        .values({
          slug: SIMULATOR_SLUG,
          name: "Kiln GPU simulator",
          kind: "a1111",
          baseUrl: simulatorUrl,
          allowPrivate: true,
          isSimulator: true,
          concurrencyLimit: SIMULATOR_CONCURRENCY,
        })
        .returning();
    } else if (simulator && simulatorUrl && simulator.baseUrl !== simulatorUrl) {
      await tx
        .update(providers)
        .set({ baseUrl: simulatorUrl, updatedAt: new Date() })
        .where(eq(providers.id, simulator.id));
    }

    const [presetCount] = await tx.select({ n: count() }).from(presets);
    if (simulator && (presetCount?.n ?? 0) === 0) {
      for (const p of SEED_PRESETS) {
        const [preset] = await tx.insert(presets).values({ slug: p.slug, name: p.name, tier: p.tier }).returning();
        const [version] = await tx
          .insert(presetVersions)
          .values({
            presetId: preset!.id,
            version: 1,
            providerId: simulator.id,
            model: p.model,
            params: p.params,
            priceModel: p.priceModel,
            rerollLimit: p.rerollLimit,
            note: "Seeded with Kiln",
          })
          .returning();
        await tx.update(presets).set({ activeVersionId: version!.id }).where(eq(presets.id, preset!.id));
      }
    }

    await seedRejectReasons(tx);

    for (const t of SEED_TEMPLATES) {
      const [existing] = await tx
        .select({ id: templates.id })
        .from(templates)
        .where(eq(templates.slug, t.slug))
        .limit(1);
      if (existing) continue;
      const [template] = await tx
        .insert(templates)
        .values({ slug: t.slug, name: t.name, description: t.description })
        .returning();
      const [version] = await tx
        .insert(templateVersions)
        .values({ templateId: template!.id, version: 1, definition: t.definition, note: "Seeded with Kiln" })
        .returning();
      await tx
        .update(templates)
        .set({ activeVersionId: version!.id })
        .where(and(eq(templates.id, template!.id)));
    }
  });
}
