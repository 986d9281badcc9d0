import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { proxy } from "./proxy";

const APP = "http://localhost:3000";
const SESSION = { cookie: "authjs.session-token=x" };

function run(path: string, headers: Record<string, string> = SESSION) {
  return proxy(new NextRequest(`${APP}${path}`, { headers }));
}

function directives(policy: string | null): Map<string, string> {
  return new Map((policy ?? "").split(";").map((d) => d.trim().split(/\s+(.*)/) as [string, string]));
}

describe("proxy: security headers on every response", () => {
  afterEach(() => {
    delete process.env.KILN_URL;
    resetEnvForTests();
  });

  it("gives a page a nonce-based policy and hands the same policy to the renderer", () => {
    const res = run("/costs");
    const policy = res.headers.get("content-security-policy");
    const d = directives(policy);
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(d.get("script-src") ?? "")?.[1];
    expect(nonce).toBeTruthy();
    expect(d.get("script-src")).toContain("'strict-dynamic'");
    expect(d.get("script-src")).not.toContain("'unsafe-inline'");
    expect(d.get("script-src")).not.toContain("'unsafe-eval'");
    expect(d.get("object-src")).toBe("'none'");
    expect(d.get("base-uri")).toBe("'self'");
    expect(d.get("form-action")).toBe("'self'");
    expect(d.get("frame-ancestors")).toBe("'none'");
    expect(d.get("img-src")).toBe("'self' data: blob:");
    expect(d.get("connect-src")).toBe("'self'");
    // Next.js reads the nonce from the request's policy (forwarded as x-middleware-request-*).
    expect(res.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("uses a fresh nonce per request and ignores a policy the client sent", () => {
    const a = run("/costs", { ...SESSION, "content-security-policy": "script-src 'nonce-chosen'" });
    const b = run("/costs");
    const nonceOf = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    expect(a.headers.get("x-middleware-request-content-security-policy")).not.toContain("nonce-chosen");
  });

  it("puts the headers on redirects to sign-in too", () => {
    const res = run("/costs", {});
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toContain("/sign-in?callbackUrl=%2Fcosts");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("gives API responses a policy that allows nothing, and leaves the blob route's own sandbox policy alone", () => {
    const api = run("/api/notifications");
    expect(api.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("x-middleware-request-content-security-policy")).toBeNull();
    const blob = run("/api/blobs/uploads/a.png");
    expect(blob.headers.get("content-security-policy")).toBeNull();
    expect(blob.headers.get("x-frame-options")).toBe("DENY");
    expect(blob.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("build output gets the headers without a document policy", () => {
    const res = run("/_next/static/chunks/main.js", {});
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });

  it("pins HTTPS only when KILN_URL is https", () => {
    process.env.KILN_URL = "https://kiln.example.com";
    resetEnvForTests();
    const res = run("/costs");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect(res.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    expect(run("/api/uploads").headers.get("strict-transport-security")).toBe("max-age=31536000");
  });
});

describe("proxy: share links (/s/<token>)", () => {
  const token = `kiln_sh_${"A".repeat(43)}`;

  it("lets a visitor without a session through, with no-referrer and noindex", () => {
    const res = run(`/s/${token}`, {});
    expect(res.status).not.toBe(307);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    const policy = res.headers.get("content-security-policy");
    expect(directives(policy).get("script-src")).toContain("'strict-dynamic'");
    expect(directives(policy).get("frame-ancestors")).toBe("'none'");
    expect(res.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
  });

  it("gives the link's images and downloads the files' policy, still without referrer or indexing", () => {
    for (const path of [
      `/s/${token}/image/00000000-0000-4000-8000-000000000000?size=thumb`,
      `/s/${token}/download/00000000-0000-4000-8000-000000000000`,
    ]) {
      const res = run(path, {});
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    }
  });

  it("still sends console pages without a session to sign-in", () => {
    expect(run("/shares", {}).headers.get("location")).toContain("/sign-in");
    expect(run("/s", {}).headers.get("location")).toContain("/sign-in");
  });
});
