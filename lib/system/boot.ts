import { getDatabase } from "@/db";
import { env } from "@/lib/env";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { seedDemoUsers } from "@/lib/setup/demo-users";

const holder = globalThis as typeof globalThis & { __kilnBooted?: Promise<void> };

/** Start-up, once per process: open and migrate the database, seed, start the runner. */
export function boot(): Promise<void> {
  holder.__kilnBooted ??= bootOnce();
  return holder.__kilnBooted;
}

async function bootOnce(): Promise<void> {
  const e = env();
  const database = await getDatabase();
  console.log(`[kiln] database ready (${database.kind})`);
  if (e.KILN_DEMO) {
    const seeded = await seedDemoUsers({ db: database.db });
    if (seeded.length) console.log(`[kiln] demo users seeded: ${seeded.join(", ")}`);
  }
  // The built-in simulator endpoint, one preset per tier and the seed templates (idempotent).
  await seedCatalog({ db: database.db, simulatorUrl: e.KILN_SIMULATOR_PORT ? `http://127.0.0.1:${e.KILN_SIMULATOR_PORT}` : null });
  if (embeddedRunnerEnabled()) {
    // Imported lazily so an installation on Inngest Cloud never loads the runner at all.
    const { startRunner } = await import("@/inngest/runner");
    const runner = await startRunner({
      db: { query: database.query, transaction: database.transaction },
      port: e.KILN_RUNNER_PORT,
      appUrl: `${e.appUrl}/api/inngest`,
      eventKey: e.INNGEST_EVENT_KEY,
      // Room for every endpoint's concurrency plus the light functions (fan-out, renditions).
      maxInFlight: Math.max(16, e.KILN_PROVIDER_CONCURRENCY * 2 + 8),
    });
    console.log(`[kiln] embedded Inngest runner on ${runner.url}`);
  }
}

/** On unless another engine is configured (INNGEST_DEV or Inngest Cloud keys), or turned off. */
function embeddedRunnerEnabled(): boolean {
  const e = env();
  if (e.KILN_EMBEDDED_RUNNER) return e.KILN_EMBEDDED_RUNNER === "1";
  return e.inngest.mode === "dev" && !e.INNGEST_DEV;
}
