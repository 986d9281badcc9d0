import { afterAll, describe, expect, it } from "vitest";
import { callApp } from "./call";
import type { Engine } from "./engine";
import { canonicalJson, hashSigningKey, signBody, verifySignature } from "./signing";
import { createHarness, silent, trigger } from "./test-harness";

const KEY = `signkey-test-${"ab12".repeat(16)}`;
const OTHER = `signkey-test-${"cd34".repeat(16)}`;
const harnesses: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(harnesses.map((h) => h.close())));

const functions = (inngest: import("inngest").Inngest) => [
  inngest.createFunction({ id: "signed", triggers: [{ event: "t/signed" }] }, async ({ step }) => {
    const a = await step.run("a", () => 1);
    await step.sendEvent("echo", { name: "t/echoed", data: { a } });
    return a;
  }),
];

describe("request signing", () => {
  it("signs like the SDK verifies: HMAC over canonical JSON + timestamp", () => {
    expect(canonicalJson({ b: [1, { d: null, c: "x" }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
    const sig = signBody("{}", KEY, 1_700_000_000_000);
    expect(() => verifySignature("{}", sig, KEY, 1_700_000_000_000)).not.toThrow();
    expect(() => verifySignature("{}", sig, OTHER, 1_700_000_000_000)).toThrow(/does not match/);
    expect(() => verifySignature("{}", sig, KEY, 1_700_000_000_000 + 10 * 60_000)).toThrow(/expired/);
    expect(() => verifySignature("{}", null, KEY)).toThrow(/missing/);
  });

  it("runs a cloud-mode app (which verifies every request) when both share the signing key", async () => {
    const h = await createHarness({
      appId: "signed-on",
      functions,
      runner: { signingKey: KEY, eventKey: "evt-key" },
      client: { isDev: false, signingKey: KEY, eventKey: "evt-key" },
    });
    harnesses.push(h);
    const res = await h.send({ name: "t/signed" }, "evt-key");
    expect(res.status).toBe(200);
    const { ids } = (await res.json()) as { ids: string[] };
    const [run] = await h.waitFor(() =>
      h.db
        .query<{ id: string }>("SELECT id FROM inngest_runner_runs WHERE event_id = $1", [ids[0]])
        .then((r) => (r.length ? r : null)),
    );
    const done = await h.finished(run!.id);
    expect(done.status).toBe("completed");
    expect(done.output).toBe(1);
    // step.sendEvent went through the event API with the event key
    await h.waitFor(() =>
      h.db.query("SELECT 1 FROM inngest_runner_events WHERE name = 't/echoed'").then((r) => r.length > 0),
    );

    // A wrong event key is refused; the out-of-band sync endpoint needs the hashed signing key.
    expect((await h.send({ name: "t/signed" }, "wrong")).status).toBe(401);
    const register = (auth?: string) =>
      fetch(`${h.runnerUrl}/fn/register`, {
        method: "POST",
        headers: auth ? { authorization: auth } : {},
        body: JSON.stringify({ appName: "x", url: "http://127.0.0.1:1/", functions: [] }),
      });
    expect((await register()).status).toBe(401);
    expect((await register(`Bearer ${hashSigningKey(OTHER)}`)).status).toBe(401);
    expect((await register(`Bearer ${hashSigningKey(KEY)}`)).status).toBe(200);
  });

  it("reports a wrong or missing signature clearly, and keeps running", async () => {
    const errors: string[] = [];
    const h = await createHarness({
      appId: "signed-wrong",
      functions,
      runner: { signingKey: OTHER, logger: { ...silent, error: (m: unknown) => errors.push(String(m)) } },
      client: { isDev: false, signingKey: KEY, eventKey: "evt-key" },
    });
    harnesses.push(h);
    await h.waitFor(async () => errors.some((e) => e.includes("401") && e.includes("signing key")));
    const health = await fetch(`${h.runnerUrl}/health`);
    expect(health.status).toBe(200);
    // Nothing is lost: the event is stored, untriggered, until a sync succeeds.
    const sent = (await (await h.send({ name: "t/signed" })).json()) as { ids: string[] };
    const [stored] = await h.db.query<{ triggered: boolean; processed: boolean }>(
      "SELECT triggered, processed FROM inngest_runner_events WHERE id = $1",
      [sent.ids[0]],
    );
    expect(stored).toEqual({ triggered: false, processed: false });

    // A call with the wrong key, or with none, is rejected by the app with a clear error.
    const url = new URL(`${h.appUrl}?fnId=signed-wrong-signed&stepId=step`);
    const text = canonicalJson({
      event: { name: "t/signed", data: {} },
      events: [],
      steps: {},
      ctx: { run_id: "r1", attempt: 0, stack: { stack: [], current: 0 } },
      version: 2,
    });
    for (const signingKey of [OTHER, undefined]) {
      const outcome = await callApp({ signingKey, logger: silent } as unknown as Engine, url, text, "r1", 5_000);
      expect(outcome).toMatchObject({
        kind: "error",
        error: { message: expect.stringContaining("signing key does not match") },
      });
    }
    // With the right key the same call works, so the failure above was the signature alone.
    const ok = await callApp({ signingKey: KEY, logger: silent } as unknown as Engine, url, text, "r1", 5_000);
    expect(ok.kind).toBe("ops");
  });

  it("works with signing off (dev mode), as every other suite does", async () => {
    const h = await createHarness({ appId: "signed-off", functions });
    harnesses.push(h);
    const run = await h.finished(await trigger(h, "signed-off-signed", { name: "t/signed" }));
    expect(run.status).toBe("completed");
  });
});
