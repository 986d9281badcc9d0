"use client";

import { usePathname, useRouter } from "next/navigation";
import { useRef, useTransition } from "react";
import type { CostFilterOptions, Option } from "@/lib/costs/report/options";

type Props = {
  params: Record<string, string>;
  options: CostFilterOptions;
  /** Which selects to show (the Operations tab filters by GPU endpoint only). */
  fields?: readonly (keyof CostFilterOptions)[];
  /** Kept across filter changes (e.g. the table's grouping). */
  keep?: Record<string, string>;
};

const LABELS: Record<keyof CostFilterOptions, { label: string; param: string; all: string }> = {
  campaigns: { label: "Campaign", param: "campaign", all: "All campaigns" },
  teams: { label: "Team", param: "teamId", all: "All teams" },
  users: { label: "User", param: "userId", all: "Everyone" },
  tiers: { label: "Tier", param: "tier", all: "All tiers" },
  presets: { label: "Preset", param: "presetId", all: "All presets" },
  models: { label: "Model", param: "model", all: "All models" },
  providers: { label: "GPU endpoint", param: "providerId", all: "All endpoints" },
};

const control =
  "rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500";

/** Date range and filters; every change reloads the figures (the URL holds the filters, so a view can be shared). */
export function FilterBar({
  params,
  options,
  fields = ["campaigns", "teams", "users", "tiers", "presets", "models", "providers"],
  keep = {},
}: Props) {
  const router = useRouter();
  const pathname = usePathname();
  const form = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();

  function apply() {
    const data = new FormData(form.current!);
    const qs = new URLSearchParams(keep);
    for (const [k, v] of data.entries()) if (typeof v === "string" && v !== "") qs.set(k, v);
    startTransition(() => router.push(`${pathname}?${qs.toString()}`));
  }

  return (
    <form
      ref={form}
      role="search"
      aria-label="Cost filters"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white px-4 py-3 shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label className="text-xs font-medium text-stone-600">
        From
        <input
          type="date"
          name="from"
          defaultValue={params.from}
          onChange={apply}
          className={`mt-1 block ${control}`}
        />
      </label>
      <label className="text-xs font-medium text-stone-600">
        To
        <input type="date" name="to" defaultValue={params.to} onChange={apply} className={`mt-1 block ${control}`} />
      </label>
      {fields.map((field) => {
        const meta = LABELS[field];
        const list: Option[] = field === "tiers" ? options.tiers.map((t) => ({ value: t, label: t })) : options[field];
        if (field === "teams" && list.length === 0) return null;
        return (
          <label key={field} className="text-xs font-medium text-stone-600">
            {meta.label}
            <select
              name={meta.param}
              defaultValue={params[meta.param] ?? ""}
              onChange={apply}
              className={`mt-1 block max-w-48 ${control}`}
              aria-label={meta.label}
            >
              <option value="">{meta.all}</option>
              {list.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      <div className="flex items-center gap-3 pb-1.5">
        <a
          href={`${pathname}${Object.keys(keep).length ? `?${new URLSearchParams(keep)}` : ""}`}
          className="text-sm font-medium text-kiln-700 hover:underline"
        >
          Reset
        </a>
        <span aria-live="polite" className="text-xs text-stone-500">
          {pending ? "Updating…" : ""}
        </span>
      </div>
    </form>
  );
}
