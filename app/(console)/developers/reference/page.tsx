import type { Metadata } from "next";
import { MethodBadge, Operation } from "@/components/developers/reference/operation";
import { RichText } from "@/components/developers/reference/rich-text";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { API_ERROR_CODES } from "@/lib/api/errors";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import "@/lib/api/v1";
import { buildReference, type OpenApiDocument } from "@/lib/api-reference/reference";
import { SCOPES } from "@/lib/api-tokens";
import { requirePageCtx } from "@/lib/auth/guard";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "API reference" };

/**
 * The API reference, rendered here on the server from the same document /api/v1/openapi.json
 * serves. It loads nothing from elsewhere and runs no script of its own, so it works offline and
 * under the console's strict Content-Security-Policy unchanged (docs/decisions/0023-public-api.md
 * says why not Scalar).
 */
export default async function ApiReferencePage() {
  await requirePageCtx("api_tokens.manage");
  const { appUrl, KILN_API_RATE_LIMIT_PER_MINUTE: perMinute } = env();
  const ref = buildReference(buildOpenApiDocument(appUrl) as OpenApiDocument, API_ERROR_CODES);
  return (
    <div className="flex items-start gap-8">
      <nav
        aria-label="API reference contents"
        className="sticky top-6 hidden max-h-[calc(100vh-3rem)] w-60 shrink-0 overflow-y-auto text-sm lg:block"
      >
        <ul className="space-y-1">
          <li>
            <a href="#overview" className="text-stone-700 hover:text-kiln-700">
              Overview
            </a>
          </li>
          <li>
            <a href="#authentication" className="text-stone-700 hover:text-kiln-700">
              Authentication and scopes
            </a>
          </li>
          <li>
            <a href="#conventions" className="text-stone-700 hover:text-kiln-700">
              Conventions
            </a>
          </li>
        </ul>
        {ref.groups.map((g) => (
          <div key={g.tag} className="mt-4">
            <p className="text-xs font-semibold uppercase tracking-wide text-stone-500">{g.tag}</p>
            <ul className="mt-1 space-y-1">
              {g.operations.map((op) => (
                <li key={op.anchor}>
                  <a href={`#${op.anchor}`} className="flex items-center gap-2 text-stone-700 hover:text-kiln-700">
                    <MethodBadge method={op.method} />
                    <span className="truncate font-mono text-xs">{op.path.replace(/^\/api\/v1/, "")}</span>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <p className="mt-4">
          <a href="#errors" className="text-stone-700 hover:text-kiln-700">
            Errors
          </a>
        </p>
      </nav>
      <div className="min-w-0 flex-1 space-y-6">
        <Card>
          <div id="overview" className="scroll-mt-6 space-y-3">
            <h2 className="text-xl font-semibold text-stone-900" data-testid="reference-title">
              {ref.title} <span className="align-middle text-sm font-normal text-stone-500">v{ref.version}</span>
            </h2>
            {ref.description && <RichText text={ref.description} className="text-sm text-stone-700" />}
            <p className="text-sm text-stone-700">
              Base URL <code className="rounded bg-stone-100 px-1 py-0.5 font-mono text-xs">{ref.serverUrl}</code> ·
              machine-readable:{" "}
              <a href="/api/v1/openapi.json" className="text-kiln-700 underline">
                openapi.json
              </a>{" "}
              (OpenAPI 3.1, for code generators and API clients).
            </p>
          </div>
        </Card>
        <Card>
          <div id="authentication" className="scroll-mt-6 space-y-3 text-sm text-stone-700">
            <h2 className="text-lg font-semibold text-stone-900">Authentication and scopes</h2>
            {ref.authDescription && <RichText text={ref.authDescription} />}
            <p>
              Send it on every request as <code className="font-mono text-xs">Authorization: Bearer kiln_api_…</code>.
              The browser&apos;s session cookie is never accepted under /api/v1. A token can do at most what its
              owner&apos;s role allows; its scopes narrow that further.
            </p>
            <Table columns={["Scope", "Allows"]}>
              {Object.entries(SCOPES).map(([scope, description]) => (
                <tr key={scope}>
                  <td className="py-2 pr-3 font-mono text-xs font-semibold text-stone-900">{scope}</td>
                  <td className="py-2 pr-3">{description}</td>
                </tr>
              ))}
            </Table>
          </div>
        </Card>
        <Card>
          <div id="conventions" className="scroll-mt-6 space-y-2 text-sm text-stone-700">
            <h2 className="text-lg font-semibold text-stone-900">Conventions</h2>
            <ul className="list-disc space-y-1.5 pl-5">
              <li>
                JSON fields are <code className="font-mono text-xs">snake_case</code>; every object has{" "}
                <code className="font-mono text-xs">object</code> and <code className="font-mono text-xs">id</code>;
                times are ISO 8601 in UTC; money is integer <code className="font-mono text-xs">*_micros</code>{" "}
                (millionths of a dollar) with <code className="font-mono text-xs">currency</code>.
              </li>
              <li>
                Lists take <code className="font-mono text-xs">?limit=</code> (1–100) and{" "}
                <code className="font-mono text-xs">?cursor=</code> and answer{" "}
                <code className="font-mono text-xs">{'{object: "list", data, has_more, next_cursor}'}</code>; pass{" "}
                <code className="font-mono text-xs">next_cursor</code> back until{" "}
                <code className="font-mono text-xs">has_more</code> is false.
              </li>
              <li>
                Every POST takes an <code className="font-mono text-xs">Idempotency-Key</code> header: sending the same
                key and body again returns the first answer with{" "}
                <code className="font-mono text-xs">Idempotent-Replayed: true</code> instead of doing the work twice;
                the same key with a different body is refused (422). Keys are kept 24 hours.
              </li>
              <li>
                Each token may make {perMinute} requests a minute. Every answer carries{" "}
                <code className="font-mono text-xs">RateLimit-Limit</code>,{" "}
                <code className="font-mono text-xs">RateLimit-Remaining</code> and{" "}
                <code className="font-mono text-xs">RateLimit-Reset</code>; over the limit you get 429 with{" "}
                <code className="font-mono text-xs">Retry-After</code>.
              </li>
              <li>
                Work that takes time (generations, exports) answers 202 with the new object&apos;s id; follow it with
                GET or a webhook.
              </li>
            </ul>
          </div>
        </Card>
        {ref.groups.map((g) => (
          <section key={g.tag} aria-labelledby={`tag-${g.tag}`} className="space-y-4">
            <h2 id={`tag-${g.tag}`} className="text-lg font-semibold text-stone-900">
              {g.tag}
            </h2>
            {g.operations.map((op) => (
              <Operation key={op.anchor} op={op} />
            ))}
          </section>
        ))}
        <Card>
          <div id="errors" className="scroll-mt-6 space-y-3 text-sm text-stone-700">
            <h2 className="text-lg font-semibold text-stone-900">Errors</h2>
            <p>
              Every error has one shape,{" "}
              <code className="font-mono text-xs">{'{"error": {"code", "message", "field"?}}'}</code>. Branch on{" "}
              <code className="font-mono text-xs">code</code> (stable); show{" "}
              <code className="font-mono text-xs">message</code> to people;{" "}
              <code className="font-mono text-xs">field</code> names the input at fault.
            </p>
            <Table columns={["Status", "Code", "Means"]}>
              {ref.errorCodes.map((e) => (
                <tr key={e.code} data-testid="reference-error-code">
                  <td className="py-2 pr-3 font-mono text-xs tabular-nums">{e.status || "—"}</td>
                  <td className="py-2 pr-3 font-mono text-xs font-semibold text-stone-900">{e.code}</td>
                  <td className="py-2 pr-3">
                    <RichText text={e.meaning} />
                  </td>
                </tr>
              ))}
            </Table>
          </div>
        </Card>
      </div>
    </div>
  );
}
