import type { ReferenceBody, ReferenceOperation } from "@/lib/api-reference/reference";
import { RichText } from "./rich-text";
import { SchemaTable } from "./schema-table";

const METHOD_TONE: Record<string, string> = {
  GET: "bg-sky-100 text-sky-800",
  POST: "bg-emerald-100 text-emerald-800",
  PUT: "bg-amber-100 text-amber-800",
  PATCH: "bg-amber-100 text-amber-800",
  DELETE: "bg-red-100 text-red-800",
};

export function MethodBadge({ method }: { method: string }) {
  return (
    <span
      className={`inline-block w-14 rounded px-1.5 py-0.5 text-center font-mono text-[11px] font-bold ${METHOD_TONE[method] ?? "bg-stone-100 text-stone-700"}`}
    >
      {method}
    </span>
  );
}

function Code({ children, label }: { children: string; label: string }) {
  return (
    <figure>
      <figcaption className="mb-1 text-xs font-medium uppercase tracking-wide text-stone-500">{label}</figcaption>
      {/* Focusable: a keyboard user can scroll a long line sideways. */}
      <pre
        tabIndex={0}
        className="overflow-x-auto rounded-md bg-stone-900 p-3 font-mono text-xs leading-relaxed text-stone-100"
      >
        {children}
      </pre>
    </figure>
  );
}

function Body({ body }: { body: ReferenceBody }) {
  return (
    <div className="space-y-2">
      <p className="text-xs text-stone-500">
        <span className="font-mono">{body.contentType}</span> · <span className="font-mono">{body.type}</span>
      </p>
      <SchemaTable rows={body.rows} />
    </div>
  );
}

/** One route: what it does, what it needs, what it takes and answers, and how to call it. */
export function Operation({ op }: { op: ReferenceOperation }) {
  const success = op.responses.filter((r) => !r.isError);
  const errors = op.responses.filter((r) => r.isError);
  const example = success.find((r) => r.body?.example)?.body?.example;
  return (
    <section
      id={op.anchor}
      className="scroll-mt-6 rounded-lg border border-stone-200 bg-white shadow-sm"
      data-testid="reference-operation"
      aria-labelledby={`${op.anchor}-title`}
    >
      <header className="border-b border-stone-100 px-5 py-4">
        <h3
          id={`${op.anchor}-title`}
          className="flex flex-wrap items-center gap-2 text-base font-semibold text-stone-900"
        >
          <MethodBadge method={op.method} /> <code className="font-mono text-sm">{op.path}</code>{" "}
          <span className="sr-only">—</span> <span className="font-normal text-stone-600">{op.summary}</span>
        </h3>
        {op.scope && (
          <p className="mt-1 text-xs text-stone-500">
            Scope: <code className="font-mono text-stone-800">{op.scope === "any" ? "any live token" : op.scope}</code>
          </p>
        )}
      </header>
      <div className="grid gap-6 px-5 py-4 2xl:grid-cols-[minmax(0,1fr)_minmax(0,28rem)]">
        <div className="min-w-0 space-y-5">
          {op.description && <RichText text={op.description} className="text-sm text-stone-700" />}
          {op.parameters.length > 0 && (
            <div>
              <h4 className="mb-2 text-sm font-semibold text-stone-800">Parameters</h4>
              <ul className="divide-y divide-stone-100 rounded-md border border-stone-200 text-sm">
                {op.parameters.map((p) => (
                  <li key={`${p.in}-${p.name}`} className="px-3 py-2">
                    <div className="flex flex-wrap items-baseline gap-x-2">
                      <code className="font-mono text-xs font-semibold text-stone-900">{p.name}</code>
                      <span className="rounded bg-stone-100 px-1 text-[11px] text-stone-600">{p.in}</span>
                      <span className="font-mono text-xs text-stone-500">{p.type}</span>
                      {p.required ? (
                        <span className="text-xs font-medium text-amber-700">required</span>
                      ) : (
                        <span className="text-xs text-stone-500">optional</span>
                      )}
                    </div>
                    {p.description && <RichText text={p.description} className="mt-0.5 text-stone-600" />}
                    {p.constraints.length > 0 && (
                      <p className="mt-0.5 text-xs text-stone-500">{p.constraints.join(" · ")}</p>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {op.requestBody && (
            <div>
              <h4 className="mb-2 text-sm font-semibold text-stone-800">
                Request body{" "}
                {op.requestBody.required && <span className="text-xs font-medium text-amber-700">required</span>}
              </h4>
              <Body body={op.requestBody} />
            </div>
          )}
          <div>
            <h4 className="mb-2 text-sm font-semibold text-stone-800">Responses</h4>
            <div className="space-y-3">
              {success.map((r) => (
                <div key={r.status}>
                  <p className="text-sm">
                    <span className="font-mono font-semibold text-emerald-700">{r.status}</span>{" "}
                    <span className="text-stone-700">{r.description}</span>
                  </p>
                  {r.headers.length > 0 && (
                    <p className="mt-0.5 text-xs text-stone-500">Headers: {r.headers.map((h) => h.name).join(", ")}</p>
                  )}
                  {r.body && (
                    <div className="mt-2">
                      <Body body={r.body} />
                    </div>
                  )}
                </div>
              ))}
              {errors.length > 0 && (
                <ul className="space-y-1 text-sm">
                  {errors.map((r) => (
                    <li key={r.status}>
                      <span className="font-mono font-semibold text-red-700">{r.status}</span>{" "}
                      <RichText text={r.description} className="text-stone-600" inline />
                    </li>
                  ))}
                  <li className="text-xs text-stone-500">
                    Errors share one shape; see{" "}
                    <a href="#errors" className="text-kiln-700 underline">
                      Errors
                    </a>
                    .
                  </li>
                </ul>
              )}
            </div>
          </div>
        </div>
        <div className="min-w-0 space-y-4">
          <Code label="Request">{op.curl}</Code>
          {op.requestBody?.example && <Code label="Body">{op.requestBody.example}</Code>}
          {example && <Code label="Response">{example}</Code>}
        </div>
      </div>
    </section>
  );
}
