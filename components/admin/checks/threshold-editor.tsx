"use client";

import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  previewThresholdsAction,
  recheckPresetAction,
  saveThresholdsAction,
} from "@/app/(console)/admin/checks/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { ThresholdPreview } from "@/lib/checks/admin";
import { plural } from "@/lib/labels";
import { useConfirm } from "@/components/ui/use-confirm";

export type ThresholdRow = { key: string; label: string; tierDefault: number; current: number };

/**
 * One preset's thresholds as a table of numbers: change some, preview how many recent assets
 * would change verdict, save (a new preset version), then re-check the preset's assets.
 */
export function ThresholdEditor({
  presetId,
  rows,
  overrides,
}: {
  presetId: string;
  rows: ThresholdRow[];
  overrides: Record<string, number>;
}) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(rows.map((r) => [r.key, String(r.current)])),
  );
  const [preview, setPreview] = useState<ThresholdPreview | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success" | "info"; text: string } | null>(null);
  const [pending, start] = useTransition();

  const parsed = () => {
    const out: Record<string, number> = { ...overrides };
    for (const r of rows) {
      const raw = values[r.key]?.trim() ?? "";
      const n = Number(raw);
      if (raw === "" || !Number.isFinite(n)) throw new Error(`${r.key}: enter a number.`);
      if (n === r.tierDefault) delete out[r.key];
      else out[r.key] = n;
    }
    return out;
  };
  const run = (fn: (t: Record<string, number>) => Promise<void>) => {
    let thresholds: Record<string, number>;
    try {
      thresholds = parsed();
    } catch (e) {
      setMessage({ tone: "error", text: (e as Error).message });
      return;
    }
    setMessage(null);
    start(() => fn(thresholds));
  };
  const dirty = rows.some((r) => Number(values[r.key]) !== r.current);
  const [confirm, confirmDialog] = useConfirm();

  return (
    <div className="space-y-3" data-testid={`threshold-editor-${presetId}`}>
      {confirmDialog}
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-stone-500">
            <th className="py-1 pr-3 font-medium">Threshold</th>
            <th className="py-1 pr-3 text-right font-medium">Tier default</th>
            <th className="py-1 font-medium">In force</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((r) => (
            <tr key={r.key}>
              <td className="py-1.5 pr-3">
                <code className="text-xs">{r.key}</code> <span className="text-stone-500">{r.label}</span>
              </td>
              <td className="py-1.5 pr-3 text-right tabular-nums text-stone-500">{r.tierDefault}</td>
              <td className="py-1.5">
                <input
                  aria-label={r.key}
                  inputMode="decimal"
                  className={`w-28 rounded-md border px-2 py-1 text-right tabular-nums ${Number(values[r.key]) !== r.current ? "border-kiln-500 bg-kiln-50" : "border-stone-300"}`}
                  value={values[r.key] ?? ""}
                  onChange={(e) => {
                    setValues({ ...values, [r.key]: e.target.value });
                    setPreview(null);
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      {preview && (
        <div className="rounded-md border border-stone-200 bg-stone-50 p-3 text-sm" data-testid="threshold-preview">
          <p>
            <strong>{preview.changes.length}</strong> of the {preview.sampled} most recent assets would change verdict
            {preview.changedChecks.length
              ? ` (re-ran ${preview.changedChecks.join(", ")} on each)`
              : " (no threshold changed)"}
            .
          </p>
          {preview.changes.length > 0 && (
            <ul className="mt-2 space-y-0.5 text-xs">
              {preview.changes.slice(0, 10).map((c) => (
                <li key={c.assetId}>
                  <Link className="text-kiln-700 hover:underline" href={`/assets/${c.assetId}`}>
                    {c.assetId.slice(0, 8)}
                  </Link>{" "}
                  {c.from} → {c.to}
                  {c.reason ? ` (${c.reason})` : ""}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          disabled={pending || !dirty}
          onClick={() =>
            run(async (t) => {
              const r = await previewThresholdsAction(presetId, t);
              if (r.ok) setPreview(r.data);
              else setMessage({ tone: "error", text: r.error.message });
            })
          }
        >
          {pending ? "Working…" : "Preview"}
        </Button>
        <Button
          disabled={pending || !dirty}
          onClick={() =>
            run(async (t) => {
              const r = await saveThresholdsAction(presetId, t);
              setMessage(
                r.ok
                  ? {
                      tone: "success",
                      text: "Saved as a new preset version. New images use these thresholds; re-check to apply them to recent ones.",
                    }
                  : { tone: "error", text: r.error.message },
              );
              if (r.ok) {
                setPreview(null);
                router.refresh();
              }
            })
          }
        >
          Save thresholds
        </Button>
        <Button
          variant="ghost"
          disabled={pending}
          title="Run the checks again, with the thresholds in force, on this preset's assets that no person has decided yet"
          onClick={async () => {
            const ok = await confirm({
              title: "Re-check this preset's assets?",
              body: "The checks run again, with the thresholds in force, on the assets no reviewer has decided yet (up to 500).",
              confirmLabel: "Re-check",
            });
            if (ok)
              start(async () => {
                const r = await recheckPresetAction(presetId);
                setMessage(
                  r.ok
                    ? { tone: "success", text: `${plural(r.data.queued, "asset")} queued for re-checking.` }
                    : { tone: "error", text: r.error.message },
                );
                router.refresh();
              });
          }}
        >
          Re-check assets
        </Button>
      </div>
    </div>
  );
}
