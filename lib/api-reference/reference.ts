import type { ApiErrorCode } from "@/lib/api/errors";
import { refName, schemaRows, typeLabel, type Components, type JsonSchema, type SchemaRow } from "./schema-rows";

/**
 * The API reference page's model, made from the same OpenAPI document /api/v1/openapi.json serves:
 * operations grouped by tag, each with its scope, parameters, body and responses as field trees, a
 * curl example and example JSON. Rendered on the server, so the page needs no script of its own.
 */
type OpenApiParameter = { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema };
type OpenApiContent = Record<string, { schema?: JsonSchema }>;
type OpenApiOperation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required?: boolean; content?: OpenApiContent };
  responses?: Record<
    string,
    {
      description?: string;
      content?: OpenApiContent;
      headers?: Record<string, { description?: string; schema?: JsonSchema }>;
    }
  >;
};
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Components; securitySchemes?: Record<string, { description?: string }> };
};

export type ReferenceParameter = {
  name: string;
  in: string;
  required: boolean;
  type: string;
  description: string | null;
  constraints: string[];
};
export type ReferenceBody = { contentType: string; type: string; rows: SchemaRow[]; example: string | null };
export type ReferenceResponse = {
  status: string;
  description: string;
  /** The one error shape: shown once in the Errors section, not repeated per route. */
  isError: boolean;
  body: ReferenceBody | null;
  headers: { name: string; description: string | null }[];
};
export type ReferenceOperation = {
  anchor: string;
  method: string;
  path: string;
  summary: string;
  description: string | null;
  scope: string | null;
  parameters: ReferenceParameter[];
  requestBody: (ReferenceBody & { required: boolean }) | null;
  responses: ReferenceResponse[];
  curl: string;
};
export type ApiReference = {
  title: string;
  version: string;
  description: string | null;
  serverUrl: string;
  authDescription: string | null;
  groups: { tag: string; operations: ReferenceOperation[] }[];
  errorCodes: { code: string; status: number; meaning: string }[];
};

const METHOD_ORDER = ["get", "post", "put", "patch", "delete"];
const SCOPE_LINE = /\n*Scope: `([^`]+)`\.\s*$/;

/** What each stable error code means for a caller (typed: a new code without a meaning does not compile). */
const ERROR_MEANINGS: Record<ApiErrorCode, string> = {
  invalid_input: "The request is malformed or a value is invalid; `field` names the input.",
  unauthenticated: "No token, or one that is unknown, expired, revoked, or whose owner is deactivated.",
  forbidden: "The token lacks the scope, or its owner's role may not do this.",
  not_found: "No such object — or one the token's owner may not see (the API does not tell the two apart).",
  conflict:
    "The object's state does not allow this now (e.g. cancelling a finished batch, downloading an export still being built).",
  gone: "It existed but is no longer available (e.g. an export whose download time has passed).",
  payload_too_large: "The body is over the limit (10 MB).",
  unsupported_media_type: "The body's Content-Type is not one this route takes.",
  rate_limited: "Over the token's per-minute limit; wait Retry-After seconds.",
  policy_blocked:
    "A policy refused it: banned terms, a budget, a kill switch, an asset that may not be published yet. The message says which.",
  unavailable: "Kiln or a provider it needs is temporarily unavailable; retry with backoff.",
  internal: "Kiln failed; retrying with the same Idempotency-Key is safe.",
  idempotency_key_reused: "The Idempotency-Key was already used with a different request.",
  idempotency_key_in_use: "A request with the same Idempotency-Key is still running; retry shortly.",
};

export function anchorFor(method: string, path: string): string {
  return `${method}-${path}`
    .toLowerCase()
    .replace(/[{}]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** A plausible value for a schema, for example JSON: the first enum value, a typed placeholder otherwise. */
export function exampleValue(raw: JsonSchema, components: Components, depth = 0): unknown {
  const schema = raw.$ref ? (components[refName(raw.$ref)] ?? {}) : raw;
  if (depth > 5) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const options = (schema.anyOf ?? schema.oneOf)?.filter((s) => s.type !== "null");
  if (options?.length) return exampleValue(options[0]!, components, depth + 1);
  if (schema.allOf?.length)
    return Object.assign({}, ...schema.allOf.map((s) => exampleValue(s, components, depth + 1) as object));
  const type =
    (Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type) ??
    (schema.properties ? "object" : undefined);
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, v]) => [k, exampleValue(v, components, depth + 1)]),
      );
    case "array":
      return schema.items ? [exampleValue(schema.items, components, depth + 1)] : [];
    case "integer":
    case "number":
      return schema.minimum ?? schema.exclusiveMinimum ?? 0;
    case "boolean":
      return false;
    case "string":
      return schema.format === "uuid"
        ? "3f0c6a8e-5b1d-4c2e-9a7f-1e2d3c4b5a69"
        : schema.format === "date-time"
          ? "2026-01-31T12:00:00.000Z"
          : schema.format === "uri" || schema.format === "url"
            ? "https://example.com/…"
            : "string";
    default:
      return null;
  }
}

function bodyOf(content: OpenApiContent | undefined, components: Components): ReferenceBody | null {
  const [contentType, media] = Object.entries(content ?? {})[0] ?? [];
  if (!contentType) return null;
  const schema = media?.schema;
  if (!schema) return { contentType, type: "any", rows: [], example: null };
  const json = contentType.includes("json");
  return {
    contentType,
    type: typeLabel(schema, components),
    rows: schemaRows(schema, components),
    example: json ? JSON.stringify(exampleValue(schema, components), null, 2) : null,
  };
}

function curlFor(method: string, path: string, body: ReferenceBody | null): string {
  const lines = [
    `curl${method === "get" ? "" : ` -X ${method.toUpperCase()}`} "$KILN_URL${path}"`,
    `  -H "Authorization: Bearer $KILN_TOKEN"`,
  ];
  if (method === "post") lines.push(`  -H "Idempotency-Key: $(uuidgen)"`);
  if (body?.contentType.includes("json"))
    lines.push(`  -H "Content-Type: application/json"`, `  -d '${JSON.stringify(JSON.parse(body.example ?? "{}"))}'`);
  else if (body?.contentType.startsWith("multipart/")) {
    for (const row of body.rows)
      lines.push(
        `  -F "${row.name}=${row.type.includes("binary") || row.constraints.includes("format binary") ? "@file" : "…"}"`,
      );
  }
  return lines.join(" \\\n");
}

/** `errorStatuses`: each error code's HTTP status (lib/api/errors.ts API_ERROR_CODES). */
export function buildReference(doc: OpenApiDocument, errorStatuses: Record<string, number>): ApiReference {
  const components = doc.components?.schemas ?? {};
  const byTag = new Map<string, ReferenceOperation[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item).sort(
      ([a], [b]) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b),
    )) {
      if (!METHOD_ORDER.includes(method)) continue;
      const scope = SCOPE_LINE.exec(op.description ?? "")?.[1] ?? null;
      const description = (op.description ?? "").replace(SCOPE_LINE, "").trim() || null;
      const requestBody = bodyOf(op.requestBody?.content, components);
      const operation: ReferenceOperation = {
        anchor: anchorFor(method, path),
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? `${method.toUpperCase()} ${path}`,
        description,
        scope,
        parameters: (op.parameters ?? []).map((p) => {
          const rows = p.schema
            ? {
                type: typeLabel(p.schema, components),
                constraints: schemaRows({ properties: { [p.name]: p.schema } }, components)[0]?.constraints ?? [],
              }
            : { type: "string", constraints: [] };
          return {
            name: p.name,
            in: p.in,
            required: p.required ?? p.in === "path",
            description: p.description ?? p.schema?.description ?? null,
            ...rows,
          };
        }),
        requestBody: requestBody ? { ...requestBody, required: op.requestBody?.required ?? false } : null,
        responses: Object.entries(op.responses ?? {})
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([status, r]) => {
            const schema = Object.values(r.content ?? {})[0]?.schema;
            const isError = schema?.$ref !== undefined && refName(schema.$ref) === "Error";
            return {
              status,
              description: r.description ?? "",
              isError,
              body: isError ? null : bodyOf(r.content, components),
              headers: Object.entries(r.headers ?? {}).map(([name, h]) => ({
                name,
                description: h.description ?? h.schema?.description ?? null,
              })),
            };
          }),
        curl: "",
      };
      operation.curl = curlFor(method, path, requestBody);
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation]);
    }
  }
  const codes = (components.Error?.properties?.error?.properties?.code?.enum ?? []) as string[];
  return {
    title: doc.info.title,
    version: doc.info.version,
    description: doc.info.description ?? null,
    serverUrl: doc.servers?.[0]?.url ?? "",
    authDescription: Object.values(doc.components?.securitySchemes ?? {})[0]?.description ?? null,
    groups: [...byTag.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tag, operations]) => ({ tag, operations })),
    errorCodes: codes.map((code) => ({
      code,
      status: errorStatuses[code] ?? 0,
      meaning: (ERROR_MEANINGS as Record<string, string>)[code] ?? "",
    })),
  };
}
