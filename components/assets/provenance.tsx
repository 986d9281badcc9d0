import Link from "@/components/ui/link";
import type { ReactNode } from "react";
import type { AssetDetail } from "@/lib/assets/asset-detail";
import { FactList } from "./fact-list";
import { UploadProvenance } from "./upload-provenance";

/** How the image was made, enough to reproduce and defend it; for an uploaded image, who uploaded which file. */
export function Provenance({ p, upload }: { p: AssetDetail["provenance"]; upload?: AssetDetail["upload"] }) {
  if (!p) return upload ? <UploadProvenance u={upload} /> : null;
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
    ["Reference image", p.reference ? <ReferenceLink key="r" r={p.reference} /> : "none"],
    [
      "Parameters",
      p.params
        ? `${p.params.width}×${p.params.height} · ${p.params.steps} steps · ${p.params.sampler} · CFG ${p.params.cfgScale}`
        : "—",
    ],
    ["GPU time", p.providerMs !== null ? `${(p.providerMs / 1000).toFixed(1)} s` : "—"],
    ["Rights / usage", p.usageNotes ? <span className="whitespace-pre-wrap">{p.usageNotes}</span> : "—"],
  ];
  return <FactList items={items} testId="provenance" />;
}

function ReferenceLink({ r }: { r: NonNullable<NonNullable<AssetDetail["provenance"]>["reference"]> }) {
  const label = `${r.title} (version ${r.version})${r.strength !== null ? ` · strength ${r.strength}` : ""}`;
  if (!r.assetId) return <span>{label}</span>;
  return (
    <Link
      href={`/assets/${r.assetId}`}
      className="inline-flex items-center gap-2 text-kiln-700 hover:underline"
      data-testid="reference-image"
    >
      {/* eslint-disable-next-line @next/next/no-img-element */}
      {r.thumbUrl && <img src={r.thumbUrl} alt="" className="h-8 w-8 rounded object-cover" />}
      {label}
    </Link>
  );
}
