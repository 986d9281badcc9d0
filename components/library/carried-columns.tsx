"use client";

/** Longer values (a description column) read as text, not as a search: a phrase that long finds little else. */
const SEARCHABLE_LENGTH = 80;

type Props = {
  metadata: Record<string, string> | undefined;
  /** Searches the value as a phrase (the carried columns are in the full-text document). */
  onSearch: (value: string) => void;
};

const searchable = (v: string) => v.trim() !== "" && v.length <= SEARCHABLE_LENGTH;

/** The lightbox's rows for the CSV columns carried with the asset (SKU, category…), each value a search. */
export function CarriedColumnRows({ metadata, onSearch }: Props) {
  const entries = Object.entries(metadata ?? {});
  return entries.map(([key, value]) => (
    <div key={key} className="contents" data-testid="carried-column" data-key={key}>
      <dt className="truncate font-mono text-xs leading-5 text-stone-500" title={key}>
        {key}
      </dt>
      <dd className="min-w-0 break-words">
        {searchable(value) ? (
          <button type="button" onClick={() => onSearch(value)} className="text-left text-kiln-700 hover:underline" title={`Search for “${value}”`}>
            {value}
          </button>
        ) : (
          value
        )}
      </dd>
    </div>
  ));
}

/** The list view's compact form: the first `limit` columns as "key value", one per line. */
export function CarriedColumnsCompact({ metadata, onSearch, limit = 2 }: Props & { limit?: number }) {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return <span className="text-xs text-stone-400">—</span>;
  const rest = entries.length - limit;
  return (
    <div className="min-w-0 text-xs leading-4" data-testid="carried-columns">
      {entries.slice(0, limit).map(([key, value]) => (
        <div key={key} className="flex min-w-0 gap-1.5" data-key={key}>
          <span className="shrink-0 font-mono text-stone-500">{key}</span>
          {searchable(value) ? (
            <button type="button" onClick={() => onSearch(value)} className="truncate text-left text-stone-800 hover:text-kiln-700 hover:underline" title={`Search for “${value}”`}>
              {value}
            </button>
          ) : (
            <span className="truncate text-stone-800" title={value}>
              {value}
            </span>
          )}
          {rest > 0 && key === entries[limit - 1]?.[0] && <span className="shrink-0 text-stone-400" title={entries.slice(limit).map(([k, v]) => `${k}: ${v}`).join("\n")}>+{rest}</span>}
        </div>
      ))}
    </div>
  );
}
