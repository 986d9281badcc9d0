import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { buildOpenApiDocument } = await import("./openapi");
await import("./v1");

/**
 * Every route under app/api/v1 is in the OpenAPI document, with each method it exports, and every
 * documented path is a real route: a route added without its description fails here.
 */
const V1_DIR = path.resolve(import.meta.dirname, "../../app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

const routes = routeFiles(V1_DIR).map((file) => {
  const folder = path.relative(V1_DIR, path.dirname(file)).split(path.sep).join("/");
  const source = readFileSync(file, "utf8");
  const methods = METHODS.filter((m) => new RegExp(`export (const|async function|function) ${m}\\b`).test(source));
  return { path: `/api/v1/${folder}`.replace(/\[([^\]]+)\]/g, "{$1}"), methods };
});

describe("the OpenAPI document", () => {
  const doc = buildOpenApiDocument("http://localhost:3000") as unknown as {
    openapi: string;
    paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  };

  it("is OpenAPI 3.1 with bearer-token security", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(routes.length).toBeGreaterThan(1);
  });

  for (const route of routes) {
    if (route.path === "/api/v1/openapi.json") continue;
    it(`documents ${route.methods.join(", ")} ${route.path}`, () => {
      expect(doc.paths[route.path], `${route.path} is missing from the document`).toBeDefined();
      for (const method of route.methods) {
        const op = doc.paths[route.path]![method.toLowerCase()];
        expect(op, `${method} ${route.path} is missing from the document`).toBeDefined();
        expect(op!.security).toEqual([{ bearerToken: [] }]);
        expect(op!.responses["401"]).toBeDefined();
      }
    });
  }

  it("documents no route that does not exist", () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      const route = routes.find((r) => r.path === p);
      expect(route, `${p} is documented but there is no app/api/v1 route for it`).toBeDefined();
      for (const method of Object.keys(ops)) expect(route!.methods.map((m) => m.toLowerCase())).toContain(method);
    }
  });
});
