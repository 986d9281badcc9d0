import type { ReactNode } from "react";
import { VersionedCard } from "@/components/admin/catalog/versioned-card";
import type { PresetVersionView, PresetView } from "@/lib/presets";
import { microsToDollars } from "@/lib/presets/money";
import type { PresetDefaults, ProviderChoice } from "./preset-fields";
import { PresetForm } from "./preset-form";

/** Prefills the edit form from a version; money goes out as an exact dollar string. */
export function defaultsFrom(v: PresetVersionView): PresetDefaults {
  const p = v.priceModel;
  const micros =
    p.kind === "per_image"
      ? p.microsPerImage
      : p.kind === "per_megapixel"
        ? p.microsPerMegapixel
        : p.microsPerGpuSecond;
  return {
    providerId: v.providerId,
    model: v.model,
    loras: v.loras,
    params: v.params,
    priceKind: p.kind,
    priceAmount: microsToDollars(micros),
    expectedGpuSeconds: p.kind === "per_gpu_second" ? String(p.expectedGpuSeconds) : "10",
    thresholds: Object.entries(v.checkThresholds)
      .map(([k, n]) => `${k} = ${n}`)
      .join("\n"),
    rerollLimit: v.rerollLimit,
  };
}

function Summary({ v }: { v: PresetVersionView }) {
  const items: [string, ReactNode][] = [
    ["Provider", v.providerName],
    ["Model", <code key="m">{v.model}</code>],
    ["Size", `${v.params.width}×${v.params.height}`],
    ["Steps · sampler · CFG", `${v.params.steps} · ${v.params.sampler} · ${v.params.cfgScale}`],
    ["LoRAs", v.loras.length ? v.loras.map((l) => `${l.name} (${l.weight})`).join(", ") : "none"],
    ["Price", v.priceLabel],
    [
      "Check thresholds",
      Object.keys(v.checkThresholds).length
        ? Object.entries(v.checkThresholds)
            .map(([k, n]) => `${k} ${n}`)
            .join(", ")
        : "tier defaults",
    ],
    ["Auto re-rolls", v.rerollLimit ? `up to ${v.rerollLimit} per image` : "off"],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
          <dd className="text-stone-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function PresetCard({ preset, providers }: { preset: PresetView; providers: ProviderChoice[] }) {
  const active = preset.active;
  return (
    <VersionedCard
      kind="preset"
      item={preset}
      description={
        <>
          <code>{preset.slug}</code> · {preset.versions.length} {preset.versions.length === 1 ? "version" : "versions"}
        </>
      }
      summary={active && <Summary v={active} />}
      edit={
        active &&
        ((nextVersion) => (
          <PresetForm
            mode="edit"
            presetId={preset.id}
            presetName={preset.name}
            nextVersion={nextVersion}
            activeVersionId={active.id}
            providers={providers}
            defaults={defaultsFrom(active)}
          />
        ))
      }
    />
  );
}
