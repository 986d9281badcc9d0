"use client";

import { useEffect, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Select } from "@/components/ui/field";
import { CARRY_LIMITS } from "@/lib/batches/carry-columns";
import { parseCsv, type ParsedCsv } from "@/lib/batches/csv";
import { suggestMapping, type ColumnMapping } from "@/lib/batches/map-columns";
import { preview, validateRows, type ValidatedRows } from "@/lib/batches/validate-rows";
import type { TemplateDefinition } from "@/lib/templates/types";

export type CsvRows = {
  rows: { line: number; values: Record<string, unknown>; carried?: Record<string, string>; tier?: "draft" | "support" | "hero" }[];
  invalid: number;
};

/**
 * CSV intake in the browser for a fast preview: parse, map columns to the template's variables,
 * flag bad rows with their line numbers. The server validates every row again before queueing.
 */
export function CsvPanel({ definition, onRows }: { definition: TemplateDefinition; onRows: (rows: CsvRows | null) => void }) {
  const [csv, setCsv] = useState<(ParsedCsv & { fileName: string }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [tierColumn, setTierColumn] = useState("");

  const load = async (file: File | undefined) => {
    setError(null);
    setCsv(null);
    if (!file) return;
    try {
      const parsed = parseCsv(new Uint8Array(await file.arrayBuffer()));
      setCsv({ ...parsed, fileName: file.name });
      setMapping(suggestMapping(definition, parsed.headers));
      setTierColumn(parsed.headers.find((h) => h.trim().toLowerCase() === "tier") ?? "");
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const result = useMemo((): { checked?: ValidatedRows; error?: string } => {
    if (!csv) return {};
    try {
      return { checked: validateRows({ definition, csv, mapping, ...(tierColumn ? { tier: { column: tierColumn } } : {}) }) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [csv, definition, mapping, tierColumn]);

  useEffect(() => {
    if (!result.checked) return onRows(null);
    onRows({
      rows: result.checked.valid.map((r) => ({
        line: r.line,
        values: r.values,
        ...(Object.keys(r.carried).length ? { carried: r.carried } : {}),
        ...(r.tier ? { tier: r.tier as "draft" } : {}),
      })),
      invalid: result.checked.invalid.length,
    });
  }, [result, onRows]);

  const samples = useMemo(
    () => (csv && result.checked ? preview({ definition, csv, mapping, ...(tierColumn ? { tier: { column: tierColumn } } : {}) }, 3) : []),
    [csv, result, definition, mapping, tierColumn],
  );

  return (
    <div className="space-y-4">
      <label className="block text-sm">
        <span className="font-medium text-stone-700">CSV file</span>{" "}
        <span className="text-stone-500">— one row per product or asset, with a header row; up to 10,000 rows and 5 MB.</span>
        <input
          type="file"
          accept=".csv,text/csv,text/plain"
          className="mt-2 block text-sm"
          data-testid="csv-input"
          onChange={(e) => void load(e.target.files?.[0])}
        />
      </label>
      {error && <Alert tone="error">{error}</Alert>}
      {csv && (
        <>
          <p className="text-sm text-stone-600" data-testid="csv-summary">
            {csv.fileName}: {csv.rows.length.toLocaleString("en-US")} rows, {csv.headers.length} columns (delimiter “
            {csv.delimiter === "\t" ? "tab" : csv.delimiter}”).
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            {definition.variables.map((v) => (
              <label key={v.name} className="text-sm">
                <span className="font-medium text-stone-700">{v.label}</span>
                <Select
                  aria-label={`Column for ${v.label}`}
                  value={typeof mapping[v.name] === "string" ? (mapping[v.name] as string) : ""}
                  onChange={(e) =>
                    setMapping((m) => {
                      const next = { ...m };
                      if (e.target.value) next[v.name] = e.target.value;
                      else delete next[v.name];
                      return next;
                    })
                  }
                >
                  <option value="">{v.required && v.default === undefined ? "— choose a column —" : "— use the default —"}</option>
                  {csv.headers.map((h) => (
                    <option key={h} value={h}>
                      {h}
                    </option>
                  ))}
                </Select>
              </label>
            ))}
            <label className="text-sm">
              <span className="font-medium text-stone-700">Tier per row (optional)</span>
              <Select aria-label="Tier column" value={tierColumn} onChange={(e) => setTierColumn(e.target.value)}>
                <option value="">— same tier for every row —</option>
                {csv.headers.map((h) => (
                  <option key={h} value={h}>
                    {h}
                  </option>
                ))}
              </Select>
            </label>
          </div>
          {result.error && <Alert tone="error">{result.error}</Alert>}
          {result.checked && (
            <div className="space-y-2 text-sm">
              <p data-testid="csv-valid">
                <strong>{result.checked.valid.length.toLocaleString("en-US")}</strong> rows ready
                {result.checked.invalid.length > 0 && (
                  <span className="text-red-700">
                    {" "}
                    · {result.checked.invalid.length} rows have problems and will not be queued — fix them in the file and upload it again
                  </span>
                )}
              </p>
              {result.checked.invalid.length > 0 && (
                <ul className="max-h-40 overflow-auto rounded-md border border-red-200 bg-red-50 p-2 text-xs text-red-800" data-testid="csv-errors">
                  {result.checked.invalid.slice(0, 50).map((r) => (
                    <li key={r.line}>
                      Line {r.line}: {r.errors.join(" ")}
                    </li>
                  ))}
                  {result.checked.invalid.length > 50 && <li>… and {result.checked.invalid.length - 50} more</li>}
                </ul>
              )}
              <CarriedColumns carry={result.checked.carry} />
              {samples.filter((s) => s.prompt).length > 0 && (
                <div>
                  <div className="text-xs font-medium text-stone-500">Preview</div>
                  <ul className="mt-1 space-y-1">
                    {samples
                      .filter((s) => s.prompt)
                      .map((s) => (
                        <li key={s.line} className="rounded bg-stone-50 p-2 text-xs text-stone-700">
                          {s.title && (
                            <div className="font-medium text-stone-800" data-testid="csv-preview-title">
                              {s.title}
                            </div>
                          )}
                          <div className="font-mono">
                            <span className="text-stone-400">line {s.line}:</span> {s.prompt}
                          </div>
                        </li>
                      ))}
                  </ul>
                </div>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}

/**
 * Before queueing: which columns travel with each image as metadata (searchable, shown on the asset
 * and in review), under which key a title pattern names them, and what is renamed, cut or left out.
 */
function CarriedColumns({ carry }: { carry: ValidatedRows["carry"] }) {
  const cut = Object.entries(carry.cut);
  if (carry.columns.length === 0 && carry.dropped.length === 0) {
    return <p className="text-xs text-stone-500">Every column feeds a template variable; no extra columns are kept as metadata.</p>;
  }
  return (
    <div className="rounded-md border border-stone-200 p-2 text-xs" data-testid="csv-carried">
      <div className="font-medium text-stone-700">Kept as metadata on each image (searchable, shown on the asset and in review)</div>
      {carry.columns.length > 0 && (
        <ul className="mt-1 flex flex-wrap gap-1">
          {carry.columns.map((c) => (
            <li key={c.header} className="rounded bg-stone-100 px-1.5 py-0.5 text-stone-700" data-testid="csv-carried-column">
              {c.header}
              {c.key !== c.header && <span className="font-mono text-stone-500"> → {`{{${c.key}}}`}</span>}
            </li>
          ))}
        </ul>
      )}
      {carry.renamed.map((r) => (
        <p key={r.header} className="mt-1 text-amber-800">
          “{r.header}” is kept as {r.key}: {r.reason}.
        </p>
      ))}
      {cut.map(([key, rows]) => (
        <p key={key} className="mt-1 text-amber-800">
          {key}: {rows.toLocaleString("en-US")} value(s) longer than {CARRY_LIMITS.value} characters are cut to {CARRY_LIMITS.value}.
        </p>
      ))}
      {carry.dropped.length > 0 && (
        <p className="mt-1 text-amber-800" data-testid="csv-dropped">
          Not kept ({carry.dropped[0]!.reason}): {carry.dropped.map((d) => `“${d.header}”`).join(", ")}.
        </p>
      )}
    </div>
  );
}
