import { OpenApiGeneratorV31, OpenAPIRegistry, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { API_ERROR_CODES } from "./errors";

/**
 * The one registry every /api/v1 resource module (lib/api/v1/*.ts) describes its routes in, with
 * the same zod schemas its handlers validate with; /api/v1/openapi.json is generated from it.
 */
export const registry = new OpenAPIRegistry();

registry.registerComponent("securitySchemes", "bearerToken", {
  type: "http",
  scheme: "bearer",
  description:
    "An API token (`kiln_api_…`) made under Developers → API tokens. It acts as its owner, narrowed to its scopes.",
});

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z
        .enum(Object.keys(API_ERROR_CODES) as [string, ...string[]])
        .meta({ description: "Stable; branch on this, not on the message." }),
      message: z.string().meta({ description: "For people: what was wrong and what to do." }),
      field: z.string().optional().meta({ description: "The input field the error is about, when there is one." }),
    }),
  })
  .meta({ id: "Error" });

/** Stripe's list shape around a schema. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      object: z.literal("list"),
      data: z.array(item),
      has_more: z.boolean(),
      next_cursor: z
        .string()
        .nullable()
        .meta({ description: "Pass as `cursor` to get the next page; null on the last." }),
    })
    .meta({ id });
}

/** A documented JSON response: the schema and what it means. */
export const jsonResponse = (schema: z.ZodType, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const errorResponse = (description: string) => jsonResponse(apiErrorSchema, description);

const rateHeaders = z.object({
  "RateLimit-Limit": z.string().meta({ description: "Requests allowed per minute for this token." }),
  "RateLimit-Remaining": z.string(),
  "RateLimit-Reset": z.string().meta({ description: "Seconds until the window resets." }),
});

/** The errors every route can answer with, added to each path's responses. */
const COMMON_RESPONSES = {
  401: errorResponse("No token, or a token that is unknown, expired or revoked (`unauthenticated`)."),
  403: errorResponse("The token lacks the scope, or its owner's role does not allow this (`forbidden`)."),
  429: errorResponse("Over the token's rate limit (`rate_limited`); see Retry-After."),
};

const WRITE_RESPONSES = {
  409: errorResponse(
    "A request with the same Idempotency-Key is still running (`idempotency_key_in_use`), or the state does not allow this (`conflict`).",
  ),
  415: errorResponse("A body of a type this route does not take (`unsupported_media_type`)."),
  422: errorResponse(
    "The Idempotency-Key was used with a different request (`idempotency_key_reused`), or a policy refused it (`policy_blocked`).",
  ),
};

export const idempotencyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .max(255)
    .optional()
    .meta({
      description:
        "Send the same key again to get the first answer back (marked `Idempotent-Replayed: true`) instead of doing the work twice. Kept 24 hours.",
    }),
});

/**
 * Registers one route: adds the bearer security, the rate-limit headers, the common errors, and for
 * writes the Idempotency-Key header and the write errors. `path` uses OpenAPI's {param} form.
 */
export function registerRoute(config: RouteConfig & { scope: string }): void {
  const { scope, ...route } = config;
  const write = route.method !== "get";
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, r]) => [
      status,
      "content" in r && Number(status) < 300 ? { ...r, headers: rateHeaders } : r,
    ]),
  );
  registry.registerPath({
    ...route,
    description: `${route.description ?? ""}\n\nScope: \`${scope}\`.`.trim(),
    security: [{ bearerToken: [] }],
    request: write ? { ...route.request, headers: route.request?.headers ?? idempotencyHeader } : route.request,
    responses: {
      ...responses,
      ...COMMON_RESPONSES,
      ...(write ? WRITE_RESPONSES : {}),
      400: errorResponse("Invalid input (`invalid_input`); `field` names it."),
    },
  });
}

export function buildOpenApiDocument(serverUrl: string) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Kiln API",
      version: "1.0.0",
      description:
        "Queue generations, follow them, find approved assets and download them, from your own systems. Every request carries an API token; lists use cursor pagination; every POST takes an Idempotency-Key. See docs/api.md for a walk-through.",
    },
    servers: [{ url: serverUrl }],
  });
}
