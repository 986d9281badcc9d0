import { Fragment } from "react";

/** Descriptions from the OpenAPI document: paragraphs, and `code` in backticks; never raw HTML. */
export function RichText({ text, className = "" }: { text: string; className?: string }) {
  return (
    <div className={`space-y-2 ${className}`}>
      {text.split(/\n{2,}/).map((para, i) => (
        <p key={i}>
          {para.split(/(`[^`]+`)/).map((part, j) =>
            part.startsWith("`") && part.endsWith("`") && part.length > 2 ? (
              <code key={j} className="rounded bg-stone-100 px-1 py-0.5 font-mono text-[0.85em] text-stone-800">
                {part.slice(1, -1)}
              </code>
            ) : (
              <Fragment key={j}>{part}</Fragment>
            ),
          )}
        </p>
      ))}
    </div>
  );
}
