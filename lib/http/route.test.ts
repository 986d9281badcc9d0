import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";

vi.mock("server-only", () => ({}));
const requireCtx = vi.fn(async () => ({ actor: { id: "u1" } }));
vi.mock("@/lib/auth/guard", () => ({ requireCtx: (...args: unknown[]) => requireCtx(...(args as [])) }));

const { guardedRoute } = await import("./route");

const APP = "http://localhost:3000";
const params = { params: Promise.resolve({}) };

function req(
  method: string,
  headers: Record<string, string>,
  body?: string | FormData,
  url = `${APP}/api/notifications`,
): Request {
  return new Request(url, { method, headers, body });
}

describe("guardedRoute: state-changing requests come from the app's own pages", () => {
  const handler = vi.fn(async (_ctx: unknown, request: Request) =>
    Response.json({ ok: true, body: await request.text() }),
  );
  const json = guardedRoute("notifications.view", handler);
  const upload = guardedRoute({ permission: "uploads.create", body: "multipart" }, async () =>
    Response.json({ ok: true }),
  );
  const bodiless = guardedRoute({ permission: "generations.create", body: "none" }, async () =>
    Response.json({ ok: true }),
  );

  beforeEach(() => {
    delete process.env.KILN_URL;
    resetEnvForTests();
    requireCtx.mockClear();
    handler.mockClear();
  });
  afterEach(() => {
    delete process.env.KILN_URL;
    resetEnvForTests();
  });

  async function refused(res: Response, status = 403) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(status === 403 ? "forbidden" : "unsupported_media_type");
    expect(requireCtx).not.toHaveBeenCalled(); // before the session lookup (and its audit of denials)
    expect(handler).not.toHaveBeenCalled(); // before any body parsing or write
    return body.error;
  }

  it("refuses a text/plain form posted from another origin (another port of the same host)", async () => {
    const request = req(
      "POST",
      { origin: "http://localhost:4000", "sec-fetch-site": "same-site", "content-type": "text/plain" },
      "{}",
    );
    const error = await refused(await json(request, params));
    expect(error.message).toMatch(/did not come from Kiln's own pages/);
    expect(request.bodyUsed).toBe(false);
  });

  it("refuses a JSON fetch from another origin even when it claims the right content type", async () => {
    await refused(
      await json(req("POST", { origin: "http://evil.example", "content-type": "application/json" }, "{}"), params),
    );
  });

  it("refuses a request without Origin, or with the opaque null origin", async () => {
    await refused(await json(req("POST", { "content-type": "application/json" }, "{}"), params));
    await refused(await json(req("POST", { origin: "null", "content-type": "application/json" }, "{}"), params));
  });

  it("refuses when the browser says the request is not same-origin, whatever Origin says", async () => {
    for (const site of ["same-site", "cross-site", "none"]) {
      await refused(
        await json(
          req("POST", { origin: APP, "sec-fetch-site": site, "content-type": "application/json" }, "{}"),
          params,
        ),
      );
    }
  });

  it("applies to every state-changing method", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      await refused(
        await json(req(method, { origin: "http://evil.example", "content-type": "application/json" }, "{}"), params),
      );
    }
  });

  it("lets a same-origin JSON request through to the guard and the handler", async () => {
    const res = await json(
      req(
        "POST",
        { origin: APP, "sec-fetch-site": "same-origin", "content-type": "application/json; charset=utf-8" },
        '{"ids":[]}',
      ),
      params,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, body: '{"ids":[]}' });
    expect(requireCtx).toHaveBeenCalledWith("notifications.view");
  });

  it("refuses a same-origin body in a form encoding where JSON is declared (415)", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      await refused(await json(req("POST", { origin: APP, "content-type": type }, "{}"), params), 415);
    }
    await refused(await json(req("POST", { origin: APP }, "{}"), params), 415);
  });

  it("takes multipart only where the route declares it", async () => {
    const form = new FormData();
    form.set("file", new Blob(["x"], { type: "image/png" }), "x.png");
    expect((await upload(req("POST", { origin: APP }, form), params)).status).toBe(200);
    requireCtx.mockClear();
    await refused(await upload(req("POST", { origin: "http://localhost:4000" }, form), params));
    expect((await upload(req("POST", { origin: APP, "content-type": "application/json" }, "{}"), params)).status).toBe(
      415,
    );
  });

  it("a route declared without a body takes no content type or JSON, never a form encoding", async () => {
    expect((await bodiless(req("POST", { origin: APP }), params)).status).toBe(200);
    expect(
      (await bodiless(req("POST", { origin: APP, "content-type": "application/json" }, "{}"), params)).status,
    ).toBe(200);
    requireCtx.mockClear();
    await refused(
      await bodiless(req("POST", { origin: APP, "content-type": "application/x-www-form-urlencoded" }, "a=1"), params),
      415,
    );
    await refused(await bodiless(req("POST", { origin: "http://localhost:4000" }), params));
  });

  it("a same-origin, typed or scripted GET needs neither Origin nor a content type", async () => {
    const reads: Record<string, string>[] = [{}, { "sec-fetch-site": "same-origin" }, { "sec-fetch-site": "none" }];
    for (const headers of reads) {
      const res = await json(req("GET", headers), params);
      expect(res.status).toBe(200);
    }
    expect(requireCtx).toHaveBeenCalledTimes(3);
  });

  it("refuses a read another site started (a link, an image or a script include carrying the cookie)", async () => {
    for (const site of ["cross-site", "same-site"]) {
      await refused(await json(req("GET", { "sec-fetch-site": site, origin: "http://evil.example" }), params));
      await refused(await json(req("HEAD", { "sec-fetch-site": site }), params));
    }
  });

  it("without KILN_URL, the Host the browser sent the request to is the app's origin (not Next's bind address)", async () => {
    // Next.js builds request.url from its own hostname; a user at 127.0.0.1 or a LAN address sends that Host.
    const at = (origin: string, host: string) =>
      req("POST", { origin, host, "content-type": "application/json" }, "{}");
    expect((await json(at("http://127.0.0.1:3000", "127.0.0.1:3000"), params)).status).toBe(200);
    expect((await json(at("http://192.168.1.20:3000", "192.168.1.20:3000"), params)).status).toBe(200);
    requireCtx.mockClear();
    handler.mockClear();
    await refused(await json(at("http://localhost:3000", "127.0.0.1:3000"), params));
    await refused(await json(at("http://127.0.0.1:4000", "127.0.0.1:3000"), params));
    await refused(await json(at("not a url", "127.0.0.1:3000"), params));
  });

  it("with KILN_URL set, that origin is the only one accepted, whatever Host the request came to", async () => {
    process.env.KILN_URL = "https://kiln.example.com";
    resetEnvForTests();
    // Host-derived origin matches, configured one does not: refused.
    await refused(await json(req("POST", { origin: APP, "content-type": "application/json" }, "{}"), params));
    // Behind a proxy the request URL may be internal; the configured origin is what counts.
    const res = await json(
      req(
        "POST",
        { origin: "https://kiln.example.com", "content-type": "application/json" },
        "{}",
        "http://10.0.0.5:3000/api/notifications",
      ),
      params,
    );
    expect(res.status).toBe(200);
  });
});

describe("guardedRoute: request ids", () => {
  it("answers with the request's sane x-request-id, or a fresh one", async () => {
    const route = guardedRoute("notifications.view", async () => Response.json({ ok: true }));
    const echoed = await route(req("GET", { "x-request-id": "lb-abc123" }), params);
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get("x-request-id")).toBe("lb-abc123");
    const fresh = await route(req("GET", { "x-request-id": "bad id with spaces" }), params);
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // Refusals carry it too.
    const refused = await route(
      req(
        "POST",
        { origin: "http://evil.example", "content-type": "application/json", "x-request-id": "lb-refused" },
        "{}",
      ),
      params,
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get("x-request-id")).toBe("lb-refused");
  });
});
