import { createServer } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import {
  auditEvents,
  costLedger,
  generationMoves,
  generations,
  presets,
  presetVersions,
  providers,
  templates,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { seedCatalog, SIMULATOR_SLUG } from "@/lib/catalog/seed-catalog";
import { getActiveTemplate, listActivePresets } from "@/lib/generation/catalog";
import { queueBatch } from "@/lib/generation/queue-batch";
import { startSimulator, type RunningSimulator } from "@/simulator";
import { createUserFactory, ctxFor } from "@/test/factories";
import { initialValuesFor } from "@/test/template-values";
import { endpointState } from "@/lib/generation/batch-queries";
import { moveQueuedWork, type MovedGeneration } from "./admin-fallback";
import { listProvidersForAdmin } from "./admin-list";
import { setProviderPaused } from "./admin-pause";
import { testProvider } from "./admin-test";
import { createProvider } from "./admin-write";

let database: Database;
let sim: RunningSimulator;
let admin: ReturnType<typeof ctxFor>;
let designer: ReturnType<typeof ctxFor>;
let simulatorId: string;
let presetIds: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSimulator({ port: 0 });
  await seedCatalog({ db: database.db, simulatorUrl: sim.url });
  admin = ctxFor(database.db, await createUserFactory(database.db, { role: "admin" }));
  designer = ctxFor(database.db, await createUserFactory(database.db, { role: "designer" }));
  simulatorId = (await database.db.select().from(providers).where(eq(providers.slug, SIMULATOR_SLUG)))[0]!.id;
  presetIds = Object.fromEntries((await listActivePresets(database.db)).map((p) => [p.preset.tier, p.preset.id]));
});
afterAll(async () => {
  await sim.close();
  await database.close();
});

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const actionsOf = async (id: string) =>
  (await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id)).orderBy(auditEvents.seq)).map(
    (e) => e.action,
  );

describe("pausing an endpoint", () => {
  it("needs a reason, is audited both ways, and shows reason and since-when in the list", async () => {
    await expect(
      setProviderPaused({ ctx: admin, input: { providerId: simulatorId, paused: true, reason: "  " } }),
    ).rejects.toMatchObject({
      code: "invalid_input",
      fields: { reason: [expect.stringContaining("Say why")] },
    });
    await setProviderPaused({ ctx: admin, input: { providerId: simulatorId, paused: true, reason: "Driver update" } });
    const listed = (await listProvidersForAdmin({ ctx: admin })).find((p) => p.id === simulatorId)!;
    expect(listed).toMatchObject({ paused: true, pausedReason: "Driver update", isSimulator: true });
    expect(listed.pausedSince).toBeInstanceOf(Date);
    await setProviderPaused({ ctx: admin, input: { providerId: simulatorId, paused: false } });
    expect((await listProvidersForAdmin({ ctx: admin })).find((p) => p.id === simulatorId)).toMatchObject({
      paused: false,
      pausedReason: null,
      pausedSince: null,
    });
    expect(await actionsOf(simulatorId)).toEqual(["provider.paused", "provider.resumed"]);
  });
});

describe("testing a connection", () => {
  it("lists the running simulator's models, with latency, audited", async () => {
    const result = await testProvider({ ctx: admin, input: { providerId: simulatorId } });
    expect(result).toMatchObject({ ok: true, method: "list_models" });
    expect(result.models!.length).toBeGreaterThan(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "provider.tested"), eq(auditEvents.subjectId, simulatorId)));
    expect(event!.data).toMatchObject({ ok: true, method: "list_models" });
  });

  it("reports a closed port as a clear error, without throwing", async () => {
    const p = await createProvider({
      ctx: admin,
      input: {
        slug: "dead-box",
        name: "Dead box",
        kind: "a1111",
        baseUrl: `http://127.0.0.1:${await closedPort()}`,
        allowPrivate: true,
      },
    });
    const result = await testProvider({ ctx: admin, input: { providerId: p.id } });
    expect(result).toMatchObject({
      ok: false,
      method: "list_models",
      errorKind: "unavailable",
      message: expect.stringContaining("could not reach the endpoint"),
    });
    expect(await actionsOf(p.id)).toEqual(["provider.created", "provider.tested"]);
  });

  it("says so when a kind without a model list has no preset to test with (and calls nothing)", async () => {
    const lookup = async () => [{ address: "203.0.113.44", family: 4 }];
    const p = await createProvider({
      ctx: admin,
      deps: { lookup },
      input: { slug: "fal-main", name: "fal", kind: "fal", baseUrl: "", apiKey: "fal-key-0000000000" },
    });
    const result = await testProvider({ ctx: admin, deps: { lookup }, input: { providerId: p.id } });
    expect(result).toMatchObject({
      ok: false,
      method: "none",
      message: expect.stringContaining("no preset uses this endpoint"),
    });
    expect(await database.db.select().from(costLedger).where(eq(costLedger.providerId, p.id))).toHaveLength(0);
  });
});

describe("moving queued work to a fallback preset", () => {
  it("re-points only queued generations of the paused endpoint, of the fallback's tier, and requests them again", async () => {
    // A second endpoint with a draft preset: the fallback.
    const backup = await createProvider({
      ctx: admin,
      input: { slug: "backup-box", name: "Backup box", kind: "a1111", baseUrl: sim.url, allowPrivate: true },
    });
    const [fallback] = await database.db
      .insert(presets)
      .values({ slug: "draft-backup", name: "Draft (backup)", tier: "draft" })
      .returning();
    const [fv] = await database.db
      .insert(presetVersions)
      .values({
        presetId: fallback!.id,
        version: 1,
        providerId: backup.id,
        model: "kiln-sim-draft-v1",
        params: { width: 512, height: 512, steps: 8, sampler: "Euler a", cfgScale: 5 },
        priceModel: { kind: "per_image", microsPerImage: 3_000 },
      })
      .returning();
    await database.db.update(presets).set({ activeVersionId: fv!.id }).where(eq(presets.id, fallback!.id));

    const [template] = await database.db.select().from(templates).where(eq(templates.slug, "ecommerce-product-photo"));
    const { version } = await getActiveTemplate(database.db, template!.id);
    const values = initialValuesFor(version.definition);
    const queue = (presetId: string, key: string) =>
      queueBatch({
        ctx: designer,
        input: {
          templateId: template!.id,
          presetId,
          variantsPerRow: 3,
          aspectRatios: ["1:1"],
          rows: [{ line: 1, values }],
          idempotencyKey: key,
        },
      });
    const draft = (await queue(presetIds.draft!, "move-draft-0001")).batch;
    const support = (await queue(presetIds.support!, "move-support-01")).batch;
    const draftRows = await database.db.select().from(generations).where(eq(generations.batchId, draft.id));
    // One draft generation is already running on the simulator: it must stay where it is.
    await database.db.update(generations).set({ status: "running" }).where(eq(generations.id, draftRows[0]!.id));

    const sent: { items: MovedGeneration[]; moveId: string }[] = [];
    const send = async (items: MovedGeneration[], moveId: string) => void sent.push({ items, moveId });
    const input = { providerId: simulatorId, presetId: fallback!.id };
    await expect(moveQueuedWork({ ctx: admin, input, send })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("Pause the endpoint first"),
    });
    await setProviderPaused({ ctx: admin, input: { providerId: simulatorId, paused: true, reason: "GPU swap" } });
    await expect(
      moveQueuedWork({ ctx: admin, input: { providerId: simulatorId, presetId: presetIds.hero }, send }),
    ).rejects.toMatchObject({
      code: "conflict",
    });

    const result = await moveQueuedWork({ ctx: admin, input, send });
    expect(result).toMatchObject({
      moved: 2,
      leftWaiting: 3,
      requested: true,
      message: expect.stringContaining("Moved 2 queued draft generations to Draft (backup)"),
    });
    const after = await database.db.select().from(generations).where(eq(generations.batchId, draft.id));
    const byId = new Map(after.map((g) => [g.id, g]));
    expect(byId.get(draftRows[0]!.id)!.presetVersionId).toBe(draftRows[0]!.presetVersionId);
    expect(after.filter((g) => g.presetVersionId === fv!.id).map((g) => g.status)).toEqual(["queued", "queued"]);
    const supportRows = await database.db.select().from(generations).where(eq(generations.batchId, support.id));
    expect(supportRows.every((g) => g.presetVersionId !== fv!.id)).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.items.map((i) => i.providerId)).toEqual([backup.id, backup.id]);
    expect(new Set(sent[0]!.items.map((i) => i.generationId))).toEqual(
      new Set(after.filter((g) => g.presetVersionId === fv!.id).map((g) => g.id)),
    );
    expect(await endpointState(database.db, sent[0]!.items[0]!.generationId, simulatorId)).toBe("moved");
    expect(await endpointState(database.db, supportRows[0]!.id, simulatorId)).not.toBe("moved");
    // Each manual move is on the record the Jobs page reads, with the pause reason.
    const moves = await database.db.select().from(generationMoves).where(eq(generationMoves.batchId, draft.id));
    expect(moves.map((m) => [m.cause, m.reason, m.fromProviderId, m.toProviderId])).toEqual([
      ["manual", "GPU swap", simulatorId, backup.id],
      ["manual", "GPU swap", simulatorId, backup.id],
    ]);
    const [audit] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "provider.work_moved"));
    expect(audit!.data).toMatchObject({
      moved: 2,
      leftWaiting: 3,
      tier: "draft",
      moveId: sent[0]!.moveId,
      toPresetVersionId: fv!.id,
    });
    expect((await listProvidersForAdmin({ ctx: admin })).find((p) => p.id === simulatorId)!.queuedCount).toBe(3);

    // A second move finds nothing left of that tier, and the engine being down loses nothing.
    const again = await moveQueuedWork({
      ctx: admin,
      input,
      send: async () => Promise.reject(new Error("ECONNREFUSED")),
    });
    expect(again).toMatchObject({ moved: 0, message: expect.stringContaining("No queued draft generations") });
  });
});
