import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useDatabaseForTests, type Database } from "@/db";
import { apiIdempotencyKeys, apiTokens, auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens";
import { createUserFactory, ctxFor } from "@/test/factories";

vi.mock("server-only", () => ({}));
const { apiJson, apiRoute } = await import("./api-route");
const { GET: me } = await import("@/app/api/v1/me/route");

let database: Database;
let token: string;
let readOnly: string;
let designerId: string;
let calls = 0;

/** A write route as a resource module would declare one: counts its runs, echoes its body. */
const POST = apiRoute({ scope: "generations:write", permission: "generations.create" }, async (_ctx, request) => {
  calls += 1;
  const body = (await request.json()) as { n?: number };
  if (body.n === 13) return apiJson({ error: { code: "conflict", message: "unlucky" } }, 409);
  return apiJson({ id: `run-${calls}`, n: body.n }, 202);
});

const url = "http://localhost:3000/api/v1/test";
function post(body: unknown, headers: Record<string, string> = {}, bearer = token) {
  return POST(
    new Request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
    {
      params: Promise.resolve({}),
    },
  );
}
function getMe(authorization?: string) {
  return me(new Request("http://localhost:3000/api/v1/me", { headers: authorization ? { authorization } : {} }), {
    params: Promise.resolve({}),
  });
}
async function error(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; field?: string } }).error;
}

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabaseForTests(database);
  const designer = await createUserFactory(database.db, { role: "designer" });
  designerId = designer.id;
  const ctx = ctxFor(database.db, designer);
  token = (await createApiToken({ ctx, input: { name: "PIM", scopes: ["generations:write"] } })).token;
  readOnly = (await createApiToken({ ctx, input: { name: "reader", scopes: ["assets:read"] } })).token;
});
afterAll(async () => {
  await database.close();
});

describe("/api/v1 token authentication", () => {
  it("answers who the token is, with rate-limit headers", async () => {
    const res = await getMe(`Bearer ${token}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: { name: string; scopes: string[] }; user: { id: string } };
    expect(body.token).toMatchObject({ name: "PIM", scopes: ["generations:write"] });
    expect(body.user.id).toBe(designerId);
    expect(res.headers.get("ratelimit-limit")).toBe("300");
    expect(Number(res.headers.get("ratelimit-remaining"))).toBeLessThan(300);
  });

  it("answers with the request's x-request-id, refusals included", async () => {
    const ok = await me(
      new Request("http://localhost:3000/api/v1/me", {
        headers: { authorization: `Bearer ${token}`, "x-request-id": "pim-run-9" },
      }),
      {
        params: Promise.resolve({}),
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-request-id")).toBe("pim-run-9");
    const refused = await getMe();
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a missing, malformed or unknown token with 401 in the one error shape", async () => {
    for (const auth of [undefined, "Basic abc", "Bearer nope", `Bearer kiln_api_${"x".repeat(43)}`]) {
      const res = await getMe(auth);
      expect(res.status).toBe(401);
      expect((await error(res)).code).toBe("unauthenticated");
    }
  });

  it("stores only the token's hash", async () => {
    const rows = await database.db.select().from(apiTokens);
    expect(rows.every((r) => r.tokenHash.length === 64 && !JSON.stringify(r).includes(token))).toBe(true);
  });

  it("refuses a token without the route's scope (write implies read, not the other way)", async () => {
    const res = await post({ n: 1 }, {}, readOnly);
    expect(res.status).toBe(403);
    expect((await error(res)).message).toMatch(/generations:write/);
  });

  it("refuses a revoked token and a deactivated owner at once", async () => {
    const designer = await createUserFactory(database.db, { role: "designer" });
    const ctx = ctxFor(database.db, designer);
    const made = await createApiToken({ ctx, input: { name: "short-lived", scopes: ["assets:read"] } });
    expect((await getMe(`Bearer ${made.token}`)).status).toBe(200);
    await revokeApiToken({ ctx, input: { tokenId: made.view.id } });
    expect((await error(await getMe(`Bearer ${made.token}`))).message).toMatch(/revoked/);
    const again = await createApiToken({ ctx, input: { name: "second", scopes: ["assets:read"] } });
    await database.db.update(users).set({ active: false }).where(eq(users.id, designer.id));
    expect((await error(await getMe(`Bearer ${again.token}`))).message).toMatch(/deactivated/);
  });

  it("applies the owner's role: a finance user's token cannot queue generations whatever its scopes", async () => {
    const finance = await createUserFactory(database.db, { role: "finance" });
    const made = await createApiToken({
      ctx: ctxFor(database.db, finance),
      input: { name: "f", scopes: ["generations:write"] },
    });
    const res = await post({ n: 1 }, {}, made.token);
    expect(res.status).toBe(403);
    expect((await error(res)).message).toMatch(/role/);
  });
});

describe("/api/v1 writes", () => {
  it("refuses a body that is not JSON with 415, before running", async () => {
    const before = calls;
    const res = await POST(
      new Request(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
        body: "{}",
      }),
      {
        params: Promise.resolve({}),
      },
    );
    expect(res.status).toBe(415);
    expect(calls).toBe(before);
  });

  it("replays the stored answer for the same key and body, and refuses the same key with another body", async () => {
    const before = calls;
    const first = await post({ n: 1 }, { "idempotency-key": "key-1" });
    expect(first.status).toBe(202);
    const again = await post({ n: 1 }, { "idempotency-key": "key-1" });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(calls).toBe(before + 1);
    const other = await post({ n: 2 }, { "idempotency-key": "key-1" });
    expect(other.status).toBe(422);
    expect(await error(other)).toMatchObject({ code: "idempotency_key_reused", field: "Idempotency-Key" });
    expect(calls).toBe(before + 1);
  });

  it("stores an error the handler answered, and lets a key go when the request never ran", async () => {
    const conflict = await post({ n: 13 }, { "idempotency-key": "key-13" });
    expect(conflict.status).toBe(409);
    expect((await post({ n: 13 }, { "idempotency-key": "key-13" })).headers.get("idempotent-replayed")).toBe("true");
    const bad = await post({ n: 1 }, { "idempotency-key": " " });
    expect(bad.status).toBe(400);
  });

  it("refuses a key whose first request is still running with 409, without running it again", async () => {
    const { requestHash } = await import("./idempotency");
    const [tok] = await database.db.select().from(apiTokens).where(eq(apiTokens.name, "PIM"));
    const hash = requestHash("POST", "/api/v1/test", Buffer.from(JSON.stringify({ n: 5 })));
    await database.db
      .insert(apiIdempotencyKeys)
      .values({ tokenId: tok!.id, key: "busy", route: "POST /api/v1/test", requestHash: hash });
    const before = calls;
    const res = await post({ n: 5 }, { "idempotency-key": "busy" });
    expect(res.status).toBe(409);
    expect((await error(res)).code).toBe("idempotency_key_in_use");
    expect(calls).toBe(before);
  });

  it("audits every write with the token that made it", async () => {
    const [tok] = await database.db.select().from(apiTokens).where(eq(apiTokens.name, "PIM"));
    const rows = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "api.write"));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.subjectId === tok!.id && r.actorId === designerId)).toBe(true);
  });

  it("answers 429 with Retry-After past the per-minute limit", async () => {
    vi.stubEnv("KILN_API_RATE_LIMIT_PER_MINUTE", "3");
    const { resetEnvForTests } = await import("@/lib/env");
    resetEnvForTests();
    try {
      const designer = await createUserFactory(database.db, { role: "designer" });
      const made = await createApiToken({
        ctx: ctxFor(database.db, designer),
        input: { name: "burst", scopes: ["assets:read"] },
      });
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await getMe(`Bearer ${made.token}`);
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(last!.headers.get("ratelimit-remaining")).toBe("0");
      expect((await error(last!)).code).toBe("rate_limited");
    } finally {
      vi.unstubAllEnvs();
      resetEnvForTests();
    }
  });
});
