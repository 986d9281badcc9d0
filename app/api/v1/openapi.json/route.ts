import { buildOpenApiDocument } from "@/lib/api/openapi";
import "@/lib/api/v1";
import { env } from "@/lib/env";

/** The API's OpenAPI 3.1 document, generated from the handlers' zod schemas. Public, like any API reference. */
export function GET(): Response {
  return Response.json(buildOpenApiDocument(env().appUrl), { headers: { "Cache-Control": "no-cache" } });
}
