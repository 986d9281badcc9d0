"use client";

import { useState, useTransition } from "react";
import { saveEngineAction } from "@/app/(console)/admin/editing/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { EditorEngineSettingsView } from "@/lib/editing/settings";
import { microsToDollars } from "@/lib/presets/money";

type Row = EditorEngineSettingsView["operations"][number];

const TITLES: Record<string, { title: string; what: string }> = {
  erase: { title: "Erase", what: "Removes what the designer painted (inpainting)." },
  upscale: { title: "Upscale", what: "2× and 4× upscales." },
  remove_background: { title: "Remove background", what: "Transparent cut-outs (or onto a colour)." },
};

function amountOf(p: NonNullable<Row["current"]>["priceModel"]): string {
  if (!p) return "";
  return microsToDollars(
    p.kind === "per_image"
      ? p.microsPerImage
      : p.kind === "per_megapixel"
        ? p.microsPerMegapixel
        : p.microsPerGpuSecond,
  );
}

/** One operation: the engines that can do it (GPU endpoints and this server's CPU engines) and the price per call. */
export function EngineForm({ row }: { row: Row }) {
  const cur = row.current;
  const [engine, setEngine] = useState(cur ? `${cur.engine}|${cur.providerId ?? ""}` : "");
  const [kind, setKind] = useState<string>(cur?.priceModel?.kind ?? "none");
  const [amount, setAmount] = useState(amountOf(cur?.priceModel ?? null));
  const [seconds, setSeconds] = useState(
    cur?.priceModel?.kind === "per_gpu_second" ? String(cur.priceModel.expectedGpuSeconds) : "10",
  );
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const local = row.choices.find((c) => `${c.engine}|${c.providerId ?? ""}` === engine)?.local ?? false;
  const t = TITLES[row.operation]!;
  return (
    <form
      className="grid gap-3 border-b border-stone-100 py-4 last:border-0 md:grid-cols-[12rem_minmax(0,1fr)_minmax(0,1fr)_auto] md:items-end"
      data-testid={`engine-${row.operation}`}
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await saveEngineAction({
            operation: row.operation,
            engine,
            "priceModel.kind": local ? "none" : kind,
            "priceModel.amount": amount,
            "priceModel.expectedGpuSeconds": seconds,
          });
          setResult(r.ok ? { ok: true, text: "Saved." } : { ok: false, text: r.error.message });
        });
      }}
    >
      <div>
        <h3 className="font-semibold text-stone-900">{t.title}</h3>
        <p className="text-xs text-stone-500">{t.what}</p>
        {cur?.isDefault && <p className="text-xs text-stone-500">Using the default.</p>}
      </div>
      <label className="text-sm">
        <span className="mb-1 block text-stone-700">Engine</span>
        <select
          aria-label={`${t.title} engine`}
          className="w-full rounded-md border border-stone-300 px-2 py-2"
          value={engine}
          onChange={(e) => setEngine(e.target.value)}
        >
          {row.choices.map((c) => (
            <option key={`${c.engine}|${c.providerId ?? ""}`} value={`${c.engine}|${c.providerId ?? ""}`}>
              {c.label}
              {c.local ? " — this server's CPU" : ""}
              {c.paused ? " — paused" : ""}
            </option>
          ))}
        </select>
      </label>
      <div className="grid grid-cols-2 gap-2 text-sm">
        <label>
          <span className="mb-1 block text-stone-700">Billed</span>
          <select
            aria-label={`${t.title} billed`}
            className="w-full rounded-md border border-stone-300 px-2 py-2"
            value={local ? "none" : kind}
            disabled={local}
            onChange={(e) => setKind(e.target.value)}
          >
            <option value="none">free</option>
            <option value="per_image">per image</option>
            <option value="per_megapixel">per megapixel</option>
            <option value="per_gpu_second">per GPU second</option>
          </select>
        </label>
        {!local && kind !== "none" && (
          <label>
            <span className="mb-1 block text-stone-700">Price (USD)</span>
            <input
              aria-label={`${t.title} price`}
              inputMode="decimal"
              className="w-full rounded-md border border-stone-300 px-2 py-2"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          </label>
        )}
        {!local && kind === "per_gpu_second" && (
          <label>
            <span className="mb-1 block text-stone-700">Expected GPU s</span>
            <input
              inputMode="decimal"
              className="w-full rounded-md border border-stone-300 px-2 py-2"
              value={seconds}
              onChange={(e) => setSeconds(e.target.value)}
            />
          </label>
        )}
      </div>
      <div className="space-y-2">
        <Button type="submit" disabled={pending || !engine}>
          Save
        </Button>
      </div>
      {result && (
        <div className="md:col-span-4">
          <Alert tone={result.ok ? "success" : "error"}>{result.text}</Alert>
        </div>
      )}
    </form>
  );
}
