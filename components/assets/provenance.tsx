import type { ReactNode } from "react";
import type { AssetDetail } from "@/lib/assets/asset-detail";

/** How the image was made, enough to reproduce and defend it. */
export function Provenance({ p }: { p: AssetDetail["provenance"] }) {
  const items: [string, ReactNode][] = [
    ["Prompt", p.prompt],
    ["Negative prompt", p.negativePrompt || "—"],
    [
      "Variables",
      Object.entries(p.values)
        .map(([k, v]) => `${k} = ${v}`)
        .join(" · ") || "—",
    ],
    ["Template", p.template],
    ["Preset", p.preset],
    ["Provider", p.provider ?? "—"],
    ["Model", p.model ? <code key="m">{p.model}</code> : "—"],
    ["LoRAs", p.loras.length ? p.loras.map((l) => `${l.name} (${l.weight})`).join(", ") : "none"],
    ["Seed", <code key="s">{p.seed}</code>],
    ["Parameters", p.params ? `${p.params.width}×${p.params.height} · ${p.params.steps} steps · ${p.params.sampler} · CFG ${p.params.cfgScale}` : "—"],
    ["GPU time", p.providerMs !== null ? `${(p.providerMs / 1000).toFixed(1)} s` : "—"],
    ["Rights / usage", p.usageNotes ? <span className="whitespace-pre-wrap">{p.usageNotes}</span> : "—"],
  ];
  return (
    <dl className="space-y-2 text-sm" data-testid="provenance">
      {items.map(([label, value]) => (
        <div key={label} className="grid grid-cols-[8rem_1fr] gap-3">
          <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
          <dd className="break-words text-stone-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
