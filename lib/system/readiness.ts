import { getDatabase } from "@/db";
import { engineConfig } from "@/inngest/engine-config";
import { env } from "@/lib/env";
import { getBlobStore } from "@/lib/storage";
import { isDraining } from "./shutdown";

/** One dependency's answer: ok, how long the probe took, and on failure a short reason (never an internal error text). */
export type Probe = { ok: boolean; ms: number; detail: string };
export type Readiness = { ready: boolean; checks: { database: Probe; blobs: Probe; engine: Probe } };

export type ReadinessDeps = {
  database: () => Promise<void>;
  blobs: () => Promise<void>;
  /** Resolves to a detail line (e.g. "embedded runner: standby"); rejects when the engine cannot be reached. */
  engine: () => Promise<string>;
  timeoutMs?: number;
};

const holder = globalThis as typeof globalThis & { __kilnRunnerRole?: () => "running" | "standby" };

/** Start-up tells readiness how this process's embedded runner stands (lib/system/boot.ts). */
export function reportEmbeddedRunner(role: () => "running" | "standby"): void {
  holder.__kilnRunnerRole = role;
}

async function timed(
  what: () => Promise<string | void>,
  timeoutMs: number,
  okDetail: string,
  failDetail: string,
): Promise<Probe> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      what(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started), detail: detail || okDetail };
  } catch (error) {
    const timedOut = (error as Error).message === "timeout";
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      detail: timedOut ? `${failDetail} (no answer within ${timeoutMs} ms)` : failDetail,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this process can serve: the database answers a query, the blob store answers a read,
 * and the background engine can be reached. Used by /api/ready (a load balancer's readiness probe);
 * liveness (/api/health) checks nothing outside the process.
 */
export async function checkReadiness(
  deps: ReadinessDeps = productionProbes(),
): Promise<Readiness & { draining?: boolean }> {
  const t = deps.timeoutMs ?? 3_000;
  // Stopping (SIGTERM): not ready, so a load balancer sends new requests elsewhere while work drains.
  if (isDraining()) {
    const stopping: Probe = { ok: false, ms: 0, detail: "this process is stopping" };
    return { ready: false, draining: true, checks: { database: stopping, blobs: stopping, engine: stopping } };
  }
  const [database, blobs, engine] = await Promise.all([
    timed(deps.database, t, "answers queries", "does not answer"),
    timed(deps.blobs, t, "answers reads", "does not answer"),
    timed(deps.engine, t, "reachable", "unreachable"),
  ]);
  return { ready: database.ok && blobs.ok && engine.ok, checks: { database, blobs, engine } };
}

function productionProbes(): ReadinessDeps {
  return {
    database: async () => {
      const { query } = await getDatabase();
      await query("select 1");
    },
    // A read of a key that need not exist: the driver answers null, or throws when it cannot be reached.
    blobs: async () => {
      await getBlobStore().get("system/readiness-probe");
    },
    engine: async () => {
      const engine = engineConfig();
      // A web process (KILN_ROLE=web) has no runner of its own: it probes the engine's URL below.
      if (engine.embeddedRunner && env().KILN_ROLE !== "web") {
        const role = holder.__kilnRunnerRole?.();
        if (!role) throw new Error("the embedded runner has not started");
        // A standby process stores events in the database; the process holding the lock runs them.
        if (role === "standby") return "embedded runner: standby (another process runs the engine)";
      }
      if (!engine.baseUrl) return "Inngest Cloud (not probed)";
      // Any HTTP answer means the engine is up; only a refused or silent connection is a failure.
      await fetch(new URL("/health", engine.baseUrl), { signal: AbortSignal.timeout(2_500) });
      return engine.embeddedRunner ? "embedded runner: running" : "reachable";
    },
  };
}
