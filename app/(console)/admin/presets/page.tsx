import type { Metadata } from "next";
import { PresetCard } from "@/components/admin/presets/preset-card";
import { PresetForm } from "@/components/admin/presets/preset-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { TIERS, listPresetsWithVersions, listProviderOptions } from "@/lib/presets";

export const metadata: Metadata = { title: "Presets" };

const TIER_HELP = {
  draft: "Mock-ups and layout exploration: fastest and cheapest; safety checks only; not exportable.",
  support: "Social, blog headers, A/B variants: fast, mid quality; safety and quality checks.",
  hero: "Long-lived brand assets: slow, high fidelity; every check with strict thresholds; always reviewed.",
} as const;

export default async function PresetsPage() {
  const ctx = await requirePageCtx("catalog.manage");
  const [presets, providers] = await Promise.all([listPresetsWithVersions({ ctx }), listProviderOptions({ ctx })]);
  const firstProvider = providers[0];
  return (
    <>
      <PageHeader
        title="Presets"
        description="A preset is a tier, a GPU endpoint, a pinned model with LoRAs, parameters, a price and check thresholds. Every edit is saved as a new version and becomes active; rolling back only moves the pointer, and every image keeps the version that made it."
      />
      <div className="space-y-8">
        {TIERS.map((tier) => {
          const inTier = presets.filter((p) => p.tier === tier);
          return (
            <section key={tier} aria-labelledby={`tier-${tier}`} data-testid={`tier-${tier}`} className="space-y-3">
              <div>
                <h2 id={`tier-${tier}`} className="text-lg font-semibold capitalize text-stone-900">
                  {tier}
                </h2>
                <p className="text-sm text-stone-500">{TIER_HELP[tier]}</p>
              </div>
              {inTier.length === 0 ? (
                <p className="text-sm text-stone-500">
                  No {tier} preset yet. Create one below so designers can pick this tier.
                </p>
              ) : (
                inTier.map((p) => <PresetCard key={p.id} preset={p} providers={providers} />)
              )}
            </section>
          );
        })}
        <Card
          title="New preset"
          description="Starts at version 1, active at once. Pick the tier carefully: it decides checks and review."
        >
          {firstProvider ? (
            <PresetForm
              mode="create"
              providers={providers}
              defaults={{
                providerId: firstProvider.id,
                model: "",
                loras: [],
                params: { width: 1024, height: 1024, steps: 30, sampler: "DPM++ 2M Karras", cfgScale: 7 },
                priceKind: "per_image",
                priceAmount: "",
                expectedGpuSeconds: "10",
                thresholds: "",
                rerollLimit: 0,
              }}
            />
          ) : (
            <Alert tone="info">Add a GPU endpoint under Providers first; a preset needs one.</Alert>
          )}
        </Card>
      </div>
    </>
  );
}
