"use client";

import { LIBRARY_QUERY_FIELDS, LIBRARY_QUERY_TEXT_HELP } from "@/lib/library/query-grammar";

/** The query grammar, rendered from the table the parser itself uses; an example click puts it in the box. */
export function GrammarHelp({ onExample }: { onExample: (example: string) => void }) {
  return (
    <div
      className="rounded-lg border border-stone-200 bg-white p-4 text-sm shadow-sm"
      data-testid="grammar-help"
      id="library-grammar-help"
    >
      <p className="mb-3 text-stone-600">
        Type words to search everything that made an asset and everything that happened to it. Narrow with{" "}
        <code className="font-mono">field:value</code> terms; a comma means “or” (
        <code className="font-mono">status:approved,in_review</code>), quotes keep spaces, a{" "}
        <code className="font-mono">*</code> finds part of a SKU, title or batch name (
        <code className="font-mono">*0042</code>), and clicking a filter on the left writes its term here.
      </p>
      <div className="grid gap-x-6 lg:grid-cols-2">
        <table className="w-full text-left">
          <tbody className="divide-y divide-stone-100 align-top">
            {LIBRARY_QUERY_FIELDS.slice(0, Math.ceil(LIBRARY_QUERY_FIELDS.length / 2)).map((f) => (
              <HelpRow key={f.field} example={f.example} meaning={f.meaning} onExample={onExample} />
            ))}
          </tbody>
        </table>
        <table className="w-full text-left">
          <tbody className="divide-y divide-stone-100 align-top">
            {LIBRARY_QUERY_FIELDS.slice(Math.ceil(LIBRARY_QUERY_FIELDS.length / 2)).map((f) => (
              <HelpRow key={f.field} example={f.example} meaning={f.meaning} onExample={onExample} />
            ))}
          </tbody>
        </table>
      </div>
      <h3 className="mb-1 mt-4 text-xs font-semibold uppercase tracking-wide text-stone-500">Free text</h3>
      <table className="w-full text-left">
        <tbody className="divide-y divide-stone-100 align-top">
          {LIBRARY_QUERY_TEXT_HELP.map((t) => (
            <HelpRow key={t.example} example={t.example} meaning={t.meaning} onExample={onExample} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HelpRow({
  example,
  meaning,
  onExample,
}: {
  example: string;
  meaning: string;
  onExample: (e: string) => void;
}) {
  return (
    <tr>
      <td className="whitespace-nowrap py-1.5 pr-3">
        <button
          type="button"
          onClick={() => onExample(example)}
          className="font-mono text-xs text-kiln-700 hover:underline"
          title="Use this example"
        >
          {example}
        </button>
      </td>
      <td className="py-1.5 text-xs text-stone-600">{meaning}</td>
    </tr>
  );
}
