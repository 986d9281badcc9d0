"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { GrammarHelp } from "./grammar-help";

type Props = {
  /** The query in the URL. */
  value: string;
  /** "replace" while typing (debounced), "push" on Enter or an example click. */
  onSearch: (q: string, how: "push" | "replace") => void;
  /** What is wrong with the query (the parser's message), shown under the box. */
  error: string | null;
  validate: (q: string) => string | null;
};

const DEBOUNCE_MS = 450;

/** The one query box: what is typed and what the filters wrote are the same text. */
export function SearchBox({ value, onSearch, error, validate }: Props) {
  const [text, setText] = useState(value);
  const [help, setHelp] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(value);

  // A facet click or the back button changed the URL: show its query.
  useEffect(() => {
    if (value !== latest.current) {
      latest.current = value;
      setText(value);
      setLocalError(null);
    }
  }, [value]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  function commit(q: string, how: "push" | "replace") {
    if (timer.current) clearTimeout(timer.current);
    const problem = validate(q);
    setLocalError(problem);
    // A query that cannot parse is not sent; the message says what to fix.
    if (problem || q.trim() === latest.current.trim()) return;
    latest.current = q.trim();
    onSearch(q.trim(), how);
  }

  const shown = localError ?? error;
  return (
    <div className="space-y-2">
      <form
        role="search"
        aria-label="Search the library"
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          commit(text, "push");
        }}
      >
        <div className="relative flex-1">
          <span aria-hidden className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-stone-500">
            ⌕
          </span>
          <input
            type="search"
            name="q"
            value={text}
            onChange={(e) => {
              const q = e.target.value;
              setText(q);
              if (timer.current) clearTimeout(timer.current);
              timer.current = setTimeout(() => commit(q, "replace"), DEBOUNCE_MS);
            }}
            placeholder='Search prompts, SKUs, campaigns… or status:approved campaign:"Spring 26" created:2026-01'
            aria-label="Query"
            aria-invalid={shown ? true : undefined}
            aria-describedby={shown ? "library-query-error" : undefined}
            spellCheck={false}
            autoComplete="off"
            className="block w-full rounded-md border border-stone-300 bg-white py-2 pl-8 pr-3 font-mono text-sm shadow-sm focus:border-kiln-500 focus:outline-none focus:ring-1 focus:ring-kiln-500 aria-invalid:border-red-500"
            data-testid="library-query"
          />
        </div>
        <Button type="submit">Search</Button>
        <Button
          type="button"
          variant="secondary"
          onClick={() => setHelp((h) => !h)}
          aria-expanded={help}
          aria-controls="library-grammar-help"
          title="How to write a query"
        >
          ?
        </Button>
      </form>
      {shown && (
        <p id="library-query-error" role="alert" className="text-sm text-red-700" data-testid="query-error">
          {shown}
        </p>
      )}
      {help && (
        <GrammarHelp
          onExample={(example) => {
            const q = text.trim() ? `${text.trim()} ${example}` : example;
            setText(q);
            commit(q, "push");
          }}
        />
      )}
    </div>
  );
}
