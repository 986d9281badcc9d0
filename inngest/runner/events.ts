import { matches } from "./expression";
import { parseDuration } from "./durations";
import { seededEventId, ulid } from "./ids";
import { ensureDiscovery, finishRun, insertEvents, recordStep, triggerFunctions } from "./runs";
import type { Engine } from "./engine";
import type { EventPayload } from "./types";

export const MAX_EVENT_BYTES = 512 * 1024;

export class BadEventError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Validates a POST /e body (one event or an array) into payloads, or throws a BadEventError. */
export function parseEvents(body: unknown, seed: string | null): EventPayload[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) throw new BadEventError("no events in the request body");
  return list.map((raw, i) => {
    const where = list.length > 1 ? `event ${i}: ` : "";
    if (!isObject(raw)) throw new BadEventError(`${where}an event must be a JSON object`);
    if (typeof raw.name !== "string" || raw.name.trim() === "")
      throw new BadEventError(`${where}"name" is required and must be a non-empty string`);
    if (raw.data !== undefined && raw.data !== null && !isObject(raw.data))
      throw new BadEventError(`${where}"data" must be an object`);
    if (raw.user !== undefined && raw.user !== null && !isObject(raw.user))
      throw new BadEventError(`${where}"user" must be an object`);
    if (raw.id !== undefined && (typeof raw.id !== "string" || raw.id === ""))
      throw new BadEventError(`${where}"id" must be a non-empty string`);
    if (raw.ts !== undefined && typeof raw.ts !== "number")
      throw new BadEventError(`${where}"ts" must be a number (epoch milliseconds)`);
    if (raw.name.startsWith("inngest/function."))
      throw new BadEventError(`${where}"${raw.name}" is reserved: only the runner emits inngest/function.* events`);
    const text = JSON.stringify(raw);
    // Postgres jsonb cannot hold NUL characters; refuse them here with a clear message.
    if (text.includes("\\u0000"))
      throw new BadEventError(`${where}event contains a NUL character (\\u0000), which cannot be stored`);
    const size = Buffer.byteLength(text);
    if (size > MAX_EVENT_BYTES)
      throw new BadEventError(`${where}event is ${size} bytes; the limit is ${MAX_EVENT_BYTES}`);
    return {
      id: (raw.id as string | undefined) ?? seededEventId(seed, i) ?? ulid(),
      name: raw.name,
      data: (raw.data as Record<string, unknown> | undefined) ?? {},
      ...(isObject(raw.user) ? { user: raw.user } : {}),
      ts: (raw.ts as number | undefined) ?? Date.now(),
      ...(typeof raw.v === "string" ? { v: raw.v } : {}),
    };
  });
}

/** Stores events and starts the runs they trigger in one transaction; waits are matched after. */
export async function ingestEvents(engine: Engine, events: EventPayload[]): Promise<string[]> {
  await engine.db.transaction((q) => insertEvents(q, engine, events));
  // Wake after commit: on Postgres a scheduler tick cannot see uncommitted jobs.
  engine.wake();
  engine.wakeEvents();
  return events.map((e) => e.id);
}

type WaitRow = {
  id: number;
  run_id: string;
  step_id: string;
  name: string | null;
  expression: string | null;
  event_name: string;
  created_at: number;
  event: EventPayload;
};
type CancelRow = { id: string; event: EventPayload; created_at: number };
type StoredEvent = EventPayload & { received_at: number; triggered: boolean };

/**
 * Matches stored, unprocessed events against waitForEvent steps and cancelOn rules, then marks
 * them processed. Runs after every ingest and at start-up, so a crash in between loses nothing
 * (claiming a wait deletes it, and cancelling twice is a no-op, so a replayed batch is harmless).
 */
export async function processPendingEvents(engine: Engine): Promise<number> {
  const { db, registry } = engine;
  const rows = await db.query<StoredEvent>(
    `SELECT id, name, data, "user", ts, received_at, triggered FROM inngest_runner_events WHERE NOT processed ORDER BY received_at, id LIMIT 200`,
  );
  if (!rows.length) return 0;
  if (rows.some((r) => !r.triggered) && !registry.synced) return 0; // triggers wait for the first sync; nothing is dropped
  const names = [...new Set(rows.map((r) => r.name))];
  // Waits for any of these names, read once per batch and filtered per event below.
  const waits = await db.query<WaitRow>(
    `SELECT j.id, j.run_id, j.step_id, j.name, j.expression, j.event_name, j.created_at, r.event FROM inngest_runner_jobs j
     JOIN inngest_runner_runs r ON r.id = j.run_id WHERE j.kind = 'wait' AND j.event_name IN (SELECT jsonb_array_elements_text($1::jsonb))
     ORDER BY j.id`,
    [JSON.stringify(names)],
  );
  const claimed = new Set<number>();
  for (const row of rows) {
    const event: EventPayload = {
      id: row.id,
      name: row.name,
      data: row.data,
      ts: Number(row.ts),
      ...(row.user ? { user: row.user } : {}),
    };
    const receivedAt = Number(row.received_at);
    if (!row.triggered) {
      await db.transaction(async (q) => {
        const mine = await q(
          "UPDATE inngest_runner_events SET triggered = true WHERE id = $1 AND NOT triggered RETURNING id",
          [event.id],
        );
        if (mine.length) await triggerFunctions(q, engine, event);
      });
    }
    // Only waits that existed when the event arrived can match it, as in Inngest.
    for (const w of waits) {
      if (claimed.has(w.id) || w.event_name !== event.name || Number(w.created_at) > receivedAt) continue;
      let hit = false;
      try {
        hit = !w.expression || matches(w.expression, { event: w.event, async: event });
      } catch (err) {
        await db.transaction((q) =>
          finishRun(q, engine, w.run_id, "failed", {
            error: { name: "Error", message: `waitForEvent "if" failed: ${(err as Error).message}` },
          }),
        );
        claimed.add(w.id);
        continue;
      }
      if (!hit) continue;
      claimed.add(w.id);
      await db.transaction(async (q) => {
        const mine = await q("DELETE FROM inngest_runner_jobs WHERE id = $1 RETURNING id", [w.id]);
        if (!mine.length) return;
        await recordStep(q, w.run_id, {
          id: w.step_id,
          name: w.name ?? undefined,
          op: "WaitForEvent",
          status: "completed",
          data: event,
        });
        await ensureDiscovery(q, engine, w.run_id);
      });
    }
    for (const fn of registry.cancelledBy(event.name))
      await cancelMatching(engine, fn.id, fn.config.cancel ?? [], event, receivedAt);
  }
  await db.query(
    "UPDATE inngest_runner_events SET processed = true WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))",
    [JSON.stringify(rows.map((r) => r.id))],
  );
  engine.wake(); // after the commits above, so the scheduler sees the new work
  return rows.length;
}

async function cancelMatching(
  engine: Engine,
  fnId: string,
  rules: Array<{ event: string; if?: string; timeout?: string }>,
  event: EventPayload,
  receivedAt: number,
) {
  const runs = await engine.db.query<CancelRow>(
    "SELECT id, event, created_at FROM inngest_runner_runs WHERE function_id = $1 AND status IN ('queued', 'running') AND created_at <= $2",
    [fnId, receivedAt],
  );
  for (const run of runs) {
    for (const rule of rules) {
      if (rule.event !== event.name) continue;
      const timeout = rule.timeout ? parseDuration(rule.timeout) : null;
      if (timeout !== null && receivedAt > Number(run.created_at) + timeout) continue;
      let hit = false;
      try {
        hit = !rule.if || matches(rule.if, { event: run.event, async: event });
      } catch {
        hit = false; // reported at sync; the function's runs already fail with the reason
      }
      if (hit) {
        await engine.db.transaction((q) =>
          finishRun(q, engine, run.id, "cancelled", {
            error: { name: "Cancelled", message: `cancelled by event ${event.name} (${event.id})` },
          }),
        );
        break;
      }
    }
  }
}
