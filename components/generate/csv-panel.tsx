"use client";

import { useEffect, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Select } from "@/components/ui/field";
import { CARRY_LIMITS } from "@/lib/batches/carry-columns";
import { describeGroup, groupRowErrors } from "@/lib/batches/group-errors";
import { offListColumns, type OffListColumn, type ValueChoice, type ValueMap } from "@/lib/batches/value-map";
import { parseCsv, type ParsedCsv } from "@/lib/batches/csv";
import { suggestMapping, type ColumnMapping } from "@/lib/batches/map-columns";
import { preview, validateRows, type ValidatedRows } from "@/lib/batches/validate-rows";
import type { TemplateDefinition } from "@/lib/templates/types";
import { plural } from "@/lib/labels";

export type CsvRows = {
  /** `values` are as written in the file; the server applies `valueMap` (checked against the template) at queue time. */
  rows: {
    line: number;
    values: Record<string, unknown>;
    carried?: Record<string, string>;
    tier?: "draft" | "support" | "hero";
  }[];
  invalid: number;
  valueMap?: ValueMap;
  /** Rows left out here, with the file's cells, recorded with the batch for the job page and its error CSV. */
  skipped: { line: number; reasons: string[]; values: Record<string, string> }[];
};

/**
 * CSV intake in the browser for a fast preview: parse, map columns to the template's variables,
 * flag bad rows with their line numbers. The server validates every row again before queueing.
 */
export function CsvPanel({
  definition,
  onRows,
}: {
  definition: TemplateDefinition;
  onRows: (rows: CsvRows | null) => void;
}) {
  const [csv, setCsv] = useState<(ParsedCsv & { fileName: string }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [tierColumn, setTierColumn] = useState("");
  const [valueMap, setValueMap] = useState<ValueMap>({});

  const setColumn = (variable: string, column: string) => {
    setMapping((m) => {
      const next = { ...m };
      if (column) next[variable] = column;
      else delete next[variable];
      return next;
    });
    // A value map belongs to the column it was made for.
    setValueMap(({ [variable]: _dropped, ...rest }) => rest);
  };
  const setChoice = (variable: string, value: string, choice: ValueChoice | undefined) =>
    setValueMap((m) => {
      const forVariable = { ...m[variable] };
      if (choice) forVariable[value] = choice;
      else delete forVariable[value];
      return { ...m, [variable]: forVariable };
    });

  const load = async (file: File | undefined) => {
    setError(null);
    setCsv(null);
    if (!file) return;
    try {
      const parsed = parseCsv(new Uint8Array(await file.arrayBuffer()));
      setCsv({ ...parsed, fileName: file.name });
      setMapping(suggestMapping(definition, parsed.headers));
      setValueMap({});
      setTierColumn(parsed.headers.find((h) => h.trim().toLowerCase() === "tier") ?? "");
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const result = useMemo((): { checked?: ValidatedRows; error?: string } => {
    if (!csv) return {};
    try {
      return {
        checked: validateRows({
          definition,
          csv,
          mapping,
          valueMap,
          ...(tierColumn ? { tier: { column: tierColumn } } : {}),
        }),
      };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [csv, definition, mapping, tierColumn, valueMap]);
  const offList = useMemo(() => (csv ? offListColumns(definition, csv.rows, mapping) : []), [csv, definition, mapping]);
  const groups = useMemo(() => (result.checked ? groupRowErrors(result.checked.invalid) : []), [result]);
  const usedValueMap = useMemo(() => {
    const used = Object.fromEntries(Object.entries(valueMap).filter(([, choices]) => Object.keys(choices).length > 0));
    return Object.keys(used).length ? used : undefined;
  }, [valueMap]);

  useEffect(() => {
    if (!result.checked) return onRows(null);
    onRows({
      rows: result.checked.valid.map((r) => ({
        line: r.line,
        values: usedValueMap ? r.source : r.values,
        ...(Object.keys(r.carried).length ? { carried: r.carried } : {}),
        ...(r.tier ? { tier: r.tier as "draft" } : {}),
      })),
      invalid: result.checked.invalid.length,
      ...(usedValueMap ? { valueMap: usedValueMap } : {}),
      skipped: result.checked.invalid.map((r) => ({ line: r.line, reasons: r.errors, values: r.values })),
    });
  }, [result, onRows, usedValueMap]);

  const samples = useMemo(
    () =>
      csv && result.checked
        ? preview({ definition, csv, mapping, valueMap, ...(tierColumn ? { tier: { column: tierColumn } } : {}) }, 3)
        : [],
    [csv, result, definition, mapping, tierColumn, valueMap],
  );

  return (
    <div className="space-y-4">
      <label className="block text-sm">
        <span className="font-medium text-stone-700">CSV file</span>{" "}
        <span className="text-stone-500">
          — one row per product or asset, with a header row; up to 10,000 rows and 5 MB.
        </span>
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
            {csv.fileName}: {plural(csv.rows.length, "row")}, {plural(csv.headers.length, "column")} (delimiter “
            {csv.delimiter === "\t" ? "tab" : csv.delimiter}”).
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            {definition.variables.map((v) => (
              <label key={v.name} className="text-sm">
                <span className="font-medium text-stone-700">{v.label}</span>
                <Select
                  aria-label={`Column for ${v.label}`}
                  value={typeof mapping[v.name] === "string" ? (mapping[v.name] as string) : ""}
                  onChange={(e) => setColumn(v.name, e.target.value)}
                >
                  <option value="">
                    {v.required && v.default === undefined ? "— choose a column —" : "— use the default —"}
                  </option>
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
          {offList.map((col) => (
            <OffListValues
              key={col.variable}
              column={col}
              choices={valueMap[col.variable] ?? {}}
              onChoice={(value, choice) => setChoice(col.variable, value, choice)}
              onUnmap={() => setColumn(col.variable, "")}
            />
          ))}
          {result.error && <Alert tone="error">{result.error}</Alert>}
          {result.checked && (
            <div className="space-y-2 text-sm">
              <p data-testid="csv-valid">
                <strong>{result.checked.valid.length.toLocaleString("en-US")}</strong> rows ready
                {result.checked.invalid.length > 0 && (
                  <span className="text-red-700">
                    {" "}
                    · {result.checked.invalid.length} {result.checked.invalid.length === 1 ? "row is" : "rows are"} left
                    out; the job page lists them with a CSV to fix them in
                  </span>
                )}
              </p>
              {groups.length > 0 && (
                <ul
                  className="max-h-40 overflow-auto rounded-md border border-red-200 bg-red-50 p-2 text-xs text-red-800"
                  data-testid="csv-errors"
                >
                  {groups.slice(0, 50).map((g) => (
                    <li key={g.message} data-testid="csv-error-group">
                      {describeGroup(g)}
                    </li>
                  ))}
                  {groups.length > 50 && <li>… and {groups.length - 50} more kinds of problem</li>}
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
                            <span className="text-stone-500">line {s.line}:</span> {s.prompt}
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
    return (
      <p className="text-xs text-stone-500">
        Every column feeds a template variable; no extra columns are kept as metadata.
      </p>
    );
  }
  return (
    <div className="rounded-md border border-stone-200 p-2 text-xs" data-testid="csv-carried">
      <div className="font-medium text-stone-700">
        Kept as metadata on each image (searchable, shown on the asset and in review)
      </div>
      {carry.columns.length > 0 && (
        <ul className="mt-1 flex flex-wrap gap-1">
          {carry.columns.map((c) => (
            <li
              key={c.header}
              className="rounded bg-stone-100 px-1.5 py-0.5 text-stone-700"
              data-testid="csv-carried-column"
            >
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
          {key}: {rows.toLocaleString("en-US")} value(s) longer than {CARRY_LIMITS.value} characters are cut to{" "}
          {CARRY_LIMITS.value}.
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

const NOT_MAPPED = "";

/**
 * A mapped column whose values are not on the variable's allowed list: unmap it (every row takes the
 * default), or say what each distinct value becomes. The server checks the choices against the template.
 */
function OffListValues({
  column,
  choices,
  onChoice,
  onUnmap,
}: {
  column: OffListColumn;
  choices: Record<string, ValueChoice>;
  onChoice: (value: string, choice: ValueChoice | undefined) => void;
  onUnmap: () => void;
}) {
  const total = column.values.reduce((n, v) => n + v.rows, 0);
  const encode = (c: ValueChoice | undefined) => (!c ? NOT_MAPPED : "to" in c ? `to:${c.to}` : `use:${c.use}`);
  const decode = (s: string): ValueChoice | undefined =>
    s === NOT_MAPPED ? undefined : s.startsWith("to:") ? { to: s.slice(3) } : { use: s.slice(4) as "default" | "skip" };
  return (
    <section
      className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm"
      data-testid="csv-off-list"
      aria-label={`Values of column ${column.column}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p className="text-amber-900">
          Column <strong>“{column.column}”</strong> has {column.values.length} value
          {column.values.length === 1 ? "" : "s"} ({total.toLocaleString("en-US")} row
          {total === 1 ? "" : "s"}) that {column.label} does not allow. Allowed: {column.options.join(", ")}.
        </p>
        <button
          type="button"
          onClick={onUnmap}
          className="shrink-0 rounded-md border border-amber-300 bg-white px-2.5 py-1 text-xs font-medium text-amber-900 hover:bg-amber-100"
        >
          Unmap this column{column.hasDefault ? " (use the default)" : ""}
        </button>
      </div>
      <p className="mt-1 text-xs text-amber-800" data-testid="csv-off-list-progress">
        Or map each value ({column.values.filter((v) => choices[v.value]).length} of {column.values.length} mapped):
      </p>
      <table className="mt-2 w-full text-xs">
        <thead>
          <tr className="text-left text-stone-500">
            <th className="py-1 pr-2 font-medium">Value in the file</th>
            <th className="py-1 pr-2 text-right font-medium">Rows</th>
            <th className="py-1 font-medium">Becomes</th>
          </tr>
        </thead>
        <tbody>
          {column.values.slice(0, 100).map((v) => (
            <tr key={v.value} className="border-t border-amber-200">
              <td className="py-1 pr-2 font-mono text-stone-800">{v.value}</td>
              <td className="py-1 pr-2 text-right tabular-nums text-stone-600">{v.rows.toLocaleString("en-US")}</td>
              <td className="py-1">
                <Select
                  aria-label={`Map “${v.value}” of ${column.column}`}
                  value={encode(choices[v.value])}
                  onChange={(e) => onChoice(v.value, decode(e.target.value))}
                  className="py-1 text-xs"
                >
                  <option value={NOT_MAPPED}>— not mapped: the row is left out —</option>
                  {column.options.map((o) => (
                    <option key={o} value={`to:${o}`}>
                      {o}
                    </option>
                  ))}
                  {column.hasDefault && <option value="use:default">use the default</option>}
                  <option value="use:skip">ignore the row</option>
                </Select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {column.values.length > 100 && (
        <p className="mt-1 text-xs text-amber-800">
          … and {column.values.length - 100} more values; unmap the column or fix them in the file.
        </p>
      )}
    </section>
  );
}
