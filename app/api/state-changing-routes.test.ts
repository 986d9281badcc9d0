import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";

/**
 * Every state-changing export of every route handler under app/api goes through the one wrapper
 * that refuses cross-origin requests (lib/http/route.ts). Each is called the way a page on another
 * origin would call it — a text/plain form post with the victim's cookie — and must answer the
 * refusal before the session is even looked up. A new route that skips the wrapper fails here.
 */
vi.mock("server-only", () => ({}));
const requireCtx = vi.fn(async () => {
  throw new Error("the session guard must not be reached by a cross-origin request");
});
vi.mock("@/lib/auth/guard", () => ({ requireCtx: (...args: unknown[]) => requireCtx(...(args as [])) }));

/** Route folders that answer for themselves, each with the reason. */
const EXCLUDED: Record<string, string> = {
  "auth/[...nextauth]":
    "Auth.js checks its own CSRF token (double-submit cookie) on every POST; e2e/access.spec.ts proves the refusal.",
  inngest:
    "Called by the Inngest engine, not by browsers; requests are signed (INNGEST_SIGNING_KEY) and owned by the engine's own check.",
};

/**
 * The public API (app/api/v1) authenticates with a bearer token only, never the session cookie, so
 * a page on another site cannot act through a signed-in browser; each of its writes must refuse a
 * cookie-only request before reading the body (checked below).
 */
const isPublicApi = (folder: string) => folder === "v1" || folder.startsWith("v1/");

const STATE_CHANGING = ["POST", "PUT", "PATCH", "DELETE"] as const;
const API_DIR = path.resolve(import.meta.dirname);

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return /^route\.(ts|tsx|js|mjs)$/.test(name) ? [full] : [];
  });
}

const routes = routeFiles(API_DIR).map((file) => ({
  file,
  folder: path.relative(API_DIR, path.dirname(file)).split(path.sep).join("/"),
}));

describe("state-changing API routes refuse cross-origin requests", () => {
  beforeEach(() => {
    requireCtx.mockClear();
  });

  it("finds the routes, and every exclusion still names a route", () => {
    expect(routes.length).toBeGreaterThan(10);
    for (const folder of Object.keys(EXCLUDED)) expect(routes.map((r) => r.folder)).toContain(folder);
  });

  for (const { file, folder } of routes.filter((r) => !(r.folder in EXCLUDED) && !isPublicApi(r.folder))) {
    it(`/api/${folder}`, async () => {
      const mod = (await import(file)) as Record<string, unknown>;
      const methods = STATE_CHANGING.filter((m) => m in mod);
      for (const method of methods) {
        const handler = mod[method] as (
          request: Request,
          context: { params: Promise<Record<string, unknown>> },
        ) => Promise<Response>;
        const url = `http://localhost:3000/api/${folder.replace(/\[(\.\.\.)?[^\]]+\]/g, "00000000-0000-4000-8000-000000000000")}`;
        const request = new Request(url, {
          method,
          headers: { origin: "http://localhost:4000", "sec-fetch-site": "same-site", "content-type": "text/plain" },
          body: '{"ids":[]}',
        });
        const res = await handler(request, {
          params: Promise.resolve({ id: "00000000-0000-4000-8000-000000000000", number: "1", key: ["x"] }),
        });
        expect(res.status, `${method} /api/${folder}`).toBe(403);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code, `${method} /api/${folder}`).toBe("forbidden");
        expect(body.error.message, `${method} /api/${folder}`).toMatch(/did not come from Kiln's own pages/);
        expect(request.bodyUsed, `${method} /api/${folder} read the body first`).toBe(false);
      }
      expect(requireCtx).not.toHaveBeenCalled();
    });
  }
});

describe("public API writes refuse a browser's cookie without a token", () => {
  for (const { file, folder } of routes.filter((r) => isPublicApi(r.folder))) {
    it(`/api/${folder}`, async () => {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of STATE_CHANGING.filter((m) => m in mod)) {
        const handler = mod[method] as (
          request: Request,
          context: { params: Promise<Record<string, unknown>> },
        ) => Promise<Response>;
        const url = `http://localhost:3000/api/${folder.replace(/\[(\.\.\.)?[^\]]+\]/g, "00000000-0000-4000-8000-000000000000")}`;
        const request = new Request(url, {
          method,
          headers: {
            origin: "http://localhost:4000",
            cookie: "authjs.session-token=stolen",
            "content-type": "application/json",
          },
          body: "{}",
        });
        const res = await handler(request, { params: Promise.resolve({ id: "00000000-0000-4000-8000-000000000000" }) });
        expect(res.status, `${method} /api/${folder}`).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
        expect(request.bodyUsed, `${method} /api/${folder} read the body first`).toBe(false);
      }
      expect(requireCtx).not.toHaveBeenCalled();
    });
  }
});
