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
          <button
            type="button"
            onClick={() => onSearch(value)}
            className="text-left text-kiln-700 hover:underline"
            title={`Search for “${value}”`}
          >
            {value}
          </button>
        ) : (
          value
        )}
      </dd>
    </div>
  ));
}

/** The list view's form: the first `limit` columns as "key value · key value" on one line (`separated`: after other text). */
export function CarriedColumnsInline({
  metadata,
  onSearch,
  limit = 2,
  separated = false,
}: Props & { limit?: number; separated?: boolean }) {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return null;
  const rest = entries.length - limit;
  return (
    <span data-testid="carried-columns">
      {entries.slice(0, limit).map(([key, value], i) => (
        <span key={key} data-key={key}>
          {separated || i > 0 ? " · " : null}
          <span className="font-mono">{key}</span>{" "}
          {searchable(value) ? (
            <button
              type="button"
              onClick={() => onSearch(value)}
              className="text-stone-800 hover:text-kiln-700 hover:underline"
              title={`Search for “${value}”`}
            >
              {value}
            </button>
          ) : (
            <span className="text-stone-800">{value}</span>
          )}
        </span>
      ))}
      {rest > 0 && (
        <span
          className="text-stone-500"
          title={entries
            .slice(limit)
            .map(([k, v]) => `${k}: ${v}`)
            .join("\n")}
        >
          {" "}
          +{rest}
        </span>
      )}
    </span>
  );
}
