import { Fragment } from "react";

/** Descriptions from the OpenAPI document: paragraphs, and `code` in backticks; never raw HTML. `inline`: one run of text inside a line. */
export function RichText({
  text,
  className = "",
  inline = false,
}: {
  text: string;
  className?: string;
  inline?: boolean;
}) {
  if (inline) return <span className={className}>{spans(text)}</span>;
  return (
    <div className={`space-y-2 ${className}`}>
      {text.split(/\n{2,}/).map((para, i) => (
        <p key={i}>{spans(para)}</p>
      ))}
    </div>
  );
}

function spans(text: string) {
  return text.split(/(`[^`]+`)/).map((part, j) =>
    part.startsWith("`") && part.endsWith("`") && part.length > 2 ? (
      <code key={j} className="rounded bg-stone-100 px-1 py-0.5 font-mono text-[0.85em] text-stone-800">
        {part.slice(1, -1)}
      </code>
    ) : (
      <Fragment key={j}>{part}</Fragment>
    ),
  );
}
