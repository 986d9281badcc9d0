import { spawn, type ChildProcess } from "node:child_process";
import { openSync, rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { withAllocatorDefaults } from "../scripts/allocator";
import { catalogIds, waitForBatchSettled } from "./support/batches";
import { fromApp, expect, test } from "./support/test";
import { SignInPage } from "./pages/sign-in-page";
import { killHard, waitUntilUp } from "./support/app-process";
import { DEMO } from "./support/users";

/**
 * The shape for a team that outgrows one machine (docs/decisions/0024), on real PostgreSQL: two web
 * processes and two worker processes on one database, the first worker running the engine and
 * spreading calls over both. A worker is SIGKILLed while it executes steps, in the middle of a batch;
 * every image must still be made exactly once, and every GPU call billed exactly once.
 */
const BASE = Number(process.env.KILN_E2E_PORT ?? 3100);
const WEB = [BASE + 3, BASE + 4];
const WORKER = [BASE + 5203, BASE + 5204];
const RUNNER = BASE + 5003;
const SIMULATOR = BASE + 5103;
const root = process.cwd();

test.use({ baseURL: `http://localhost:${WEB[0]}` });
test.skip(
  !process.env.DATABASE_URL,
  "several processes share one database only on PostgreSQL (the embedded PGlite is one process)",
);

test("two web and two worker processes: a worker killed mid-batch loses nothing and repeats nothing", async ({
  page,
  consoleWatch,
}) => {
  // Five processes start on a 2-core machine, and the batch finishes on one worker: minutes under load.
  test.setTimeout(300_000);
  consoleWatch.allow(/net::ERR_/, "no page of this test depends on the killed worker; prefetches may race the kill");
  const dbName = `kiln_e2e_scale_${BASE}`;
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${dbName}`;
  const dataDir = path.join(root, ".data", "e2e-scale");
  rmSync(dataDir, { recursive: true, force: true });

  const common: NodeJS.ProcessEnv = withAllocatorDefaults({
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: url.toString(),
    // One machine here, so one data folder holds the generated keys all processes share.
    KILN_DATA_DIR: dataDir,
    KILN_DEMO: "1",
    KILN_RUNNER_PORT: String(RUNNER),
    KILN_SIMULATOR_PORT: String(SIMULATOR),
    KILN_WORKER_URLS: WORKER.map((p) => `http://127.0.0.1:${p}/api/inngest`).join(","),
    KILN_SHUTDOWN_GRACE_MS: "3000",
    NEXT_MANUAL_SIG_HANDLE: "1",
  });
  // tsx as a loader in the process itself: a SIGKILL must kill the worker, not a CLI wrapper around it.
  const tsx = ["--import", "tsx"];
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const children: ChildProcess[] = [];
  const start = (args: string[], env: Record<string, string>) => {
    // Each process's output goes to a file beside the test's results, for a failure to be explained.
    const log = openSync(test.info().outputPath(`process-${children.length + 1}.log`), "w");
    const child = spawn(process.execPath, args, { cwd: root, env: { ...common, ...env }, stdio: ["ignore", log, log] });
    children.push(child);
    return child;
  };
  const db = postgres(url.toString(), { max: 2, onnotice: () => {} });
  try {
    // A GPU that takes 0.6 s per image, so the batch is still running when the worker dies.
    start([...tsx, path.join(root, "simulator", "main.ts"), "--port", String(SIMULATOR)], {
      KILN_SIM_LATENCY_MS: "600",
    });
    const workers = WORKER.map((port, i) =>
      start([...tsx, path.join(root, "scripts", "worker.ts")], {
        KILN_ROLE: "worker",
        KILN_WORKER_PORT: String(port),
        ...(i > 0 ? { KILN_EMBEDDED_RUNNER: "0" } : {}),
      }),
    );
    // The web processes start together: migrations and seeding must cope (advisory locks).
    for (const port of WEB)
      start([next, "start", "-p", String(port)], {
        KILN_ROLE: "web",
        PORT: String(port),
        KILN_URL: `http://localhost:${port}`,
      });
    await Promise.all([
      ...WEB.map((p) => waitUntilUp(`http://localhost:${p}/sign-in`, 120_000)),
      ...WORKER.map((p) => waitUntilUp(`http://127.0.0.1:${p}/health`, 120_000)),
    ]);

    // Signed in on the first web process; the session lives in PostgreSQL, so the second one knows it.
    const web1 = `http://localhost:${WEB[0]}`;
    const web2 = `http://localhost:${WEB[1]}`;
    await page.goto(`${web1}/sign-in`);
    await new SignInPage(page).signIn(DEMO.designer.email, DEMO.designer.password);
    const ids = await catalogIds(page, [/^Support/]);
    const rows = Array.from({ length: 12 }, (_, i) => ({
      line: i + 1,
      values: { product_name: `Scale-out product ${i + 1}` },
    }));
    const queued = await page.request.post(`${web1}/api/batches`, {
      headers: fromApp(page),
      data: {
        templateId: ids.templateId,
        presetId: ids.presetIds[0],
        name: "Scale-out",
        variantsPerRow: 2,
        aspectRatios: ["1:1"],
        rows,
        idempotencyKey: `scale-${Date.now()}`,
      },
    });
    expect(queued.status(), await queued.text()).toBeLessThan(300);
    const batchId = ((await queued.json()) as { batch: { id: string } }).batch.id;

    // Kill the second worker while it is executing steps (its /health counts the calls it runs).
    await expect
      .poll(
        async () =>
          ((await (await fetch(`http://127.0.0.1:${WORKER[1]}/health`)).json()) as { running: number }).running,
        { timeout: 60_000, intervals: [100] },
      )
      .toBeGreaterThan(0);
    const [{ done } = { done: 0 }] = await db<
      { done: number }[]
    >`select count(*)::int as done from generations where batch_id = ${batchId} and status = 'succeeded'`;
    expect(done, "the worker must die in the middle of the batch, not after it").toBeLessThan(24);
    await killHard(workers[1]!);

    // The batch finishes on the remaining worker; the second web process serves its result.
    await page.goto(`${web2}/jobs/${batchId}`);
    const settled = await waitForBatchSettled(page, batchId, 180_000);
    // One row per product and variant, plus a row for each automatic re-roll of an image the checks rejected.
    expect(settled.filter((r) => r.rerollOf === null)).toHaveLength(24);
    expect(settled.filter((r) => r.status !== "succeeded")).toEqual([]);

    // Every image once: one generation per row and variant (plus the checks' automatic re-rolls, each of a
    // rejected image), one asset per generation, and exactly one successful GPU call each.
    const [gens] = await db<{ firsts: number; slots: number; rerolls: number; n: number; assets: number }[]>`
      select count(*) filter (where g.reroll_of is null)::int as firsts,
        count(distinct (g.row_line, g.variant_index))::int as slots,
        count(*) filter (where g.reroll_of is not null and exists (select 1 from assets r where r.generation_id = g.reroll_of and r.status = 'rejected'))::int as rerolls,
        count(*)::int as n, count(a.id)::int as assets
      from generations g left join assets a on a.generation_id = g.id where g.batch_id = ${batchId}`;
    expect(gens).toMatchObject({ firsts: 24, slots: 24, n: 24 + gens!.rerolls, assets: 24 + gens!.rerolls });
    const doubles =
      await db`select generation_id from cost_ledger where batch_id = ${batchId} and outcome = 'succeeded' group by generation_id having count(*) <> 1`;
    expect(doubles).toEqual([]);
    // Every GPU call the simulator answered has its write-ahead record, and each ended one exactly one ledger row;
    // a call cut by the kill stays open until its lease expires, then gets its row as "interrupted".
    const stats = (await (await fetch(`http://127.0.0.1:${SIMULATOR}/simulator/stats`)).json()) as {
      calls: Record<string, number>;
    };
    const [calls] = await db<{ total: number; ended: number; unledgered: number }[]>`
      select count(*)::int as total, count(pc.ended_at)::int as ended,
        count(*) filter (where pc.ended_at is not null and not exists (select 1 from cost_ledger l where l.call_key = pc.call_key))::int as unledgered
      from provider_calls pc join generations g on g.id = pc.generation_id where g.batch_id = ${batchId}`;
    expect(calls!.unledgered).toBe(0);
    // A record is committed before its request goes out, so the kill can land between the two: that
    // record has no call at the simulator (it is ledgered as interrupted when its step runs again, or
    // stays open until its lease ends). Records exceed the simulator's calls by at most the killed
    // worker's calls in flight (the endpoint's 4 slots); one CI run had 25 records for 24 calls.
    const sent = stats.calls["/sdapi/v1/txt2img"] ?? 0;
    expect(calls!.total).toBeGreaterThanOrEqual(sent);
    expect(calls!.total - sent, "records without a call: only claims the kill cut").toBeLessThanOrEqual(4);
    expect(calls!.total - calls!.ended, "only calls cut by the kill may still be open").toBeLessThanOrEqual(4);
  } finally {
    await db.end({ timeout: 5 });
    await Promise.all(children.map((c) => killHard(c)));
  }
});
