import { expect, test } from "./support/test";

/**
 * The probes an orchestrator uses, on the server as `npm start` runs it: liveness answers without
 * a session, and readiness finds the database, the blob store and the embedded runner answering.
 */
test("liveness and readiness answer without a session, and readiness names each dependency", async ({ request }) => {
  const live = await request.get("/api/health");
  expect(live.status()).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
  expect(live.headers()["cache-control"]).toContain("no-store");

  const ready = await request.get("/api/ready");
  expect(ready.status(), await ready.text()).toBe(200);
  const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
  expect(body.status).toBe("ready");
  expect(body.checks.database).toMatchObject({ ok: true, detail: "answers queries" });
  expect(body.checks.blobs).toMatchObject({ ok: true });
  expect(body.checks.engine).toMatchObject({ ok: true, detail: "embedded runner: running" });
});
