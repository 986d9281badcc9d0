import { cronProblem, syncCrons } from "./cron";
import { compile } from "./expression";
import { parseDuration } from "./durations";
import type { FunctionConfig, Logger, Query } from "./types";

export type RegisteredFunction = {
  id: string;
  appId: string;
  name: string;
  url: string;
  config: FunctionConfig;
  maxAttempts: number;
  /** Config the runner cannot honour; a run of this function fails loudly with these reasons. */
  unsupported: string[];
};

const DEFAULT_RETRIES = 3; // the SDK's defaultMaxRetries

/** Checks a synced config up front so problems surface at sync time, not mid-run. */
function describe(appId: string, url: string, config: FunctionConfig): RegisteredFunction {
  const unsupported: string[] = [];
  for (const key of ["batchEvents", "debounce", "singleton", "timeouts"] as const) {
    if (config[key] !== undefined) unsupported.push(`"${key}" is not supported by the embedded runner`);
  }
  const expressions: string[] = [];
  for (const t of config.triggers ?? []) if ("expression" in t && t.expression) expressions.push(t.expression);
  for (const c of config.cancel ?? []) if (c.if) expressions.push(c.if);
  const constraints = [config.concurrency].flat().filter((c) => c !== undefined);
  // Inngest's own limit; the scheduler's read of due jobs relies on it (scheduler.ts, DUE_JOBS).
  if (constraints.length > 2) unsupported.push("a function can have at most two concurrency constraints");
  for (const c of constraints) if (typeof c === "object" && c.key) expressions.push(c.key);
  for (const key of [config.throttle?.key, config.rateLimit?.key, config.idempotency]) if (key) expressions.push(key);
  for (const t of config.triggers ?? []) {
    const problem = "cron" in t ? cronProblem(t.cron) : null;
    if (problem) unsupported.push(problem);
  }
  for (const e of expressions) {
    try {
      compile(e);
    } catch (err) {
      unsupported.push((err as Error).message);
    }
  }
  for (const period of [
    config.throttle?.period,
    config.rateLimit?.period,
    ...(config.cancel ?? []).map((c) => c.timeout),
  ]) {
    if (period && parseDuration(period) === null) unsupported.push(`cannot parse the period "${period}"`);
  }
  const step = config.steps?.step ?? Object.values(config.steps ?? {})[0];
  return {
    id: config.id,
    appId,
    name: config.name ?? config.id,
    url: step?.runtime.url ?? url,
    config,
    maxAttempts: (step?.retries?.attempts ?? DEFAULT_RETRIES) + 1,
    unsupported,
  };
}

/** The synced functions, cached in memory and persisted in inngest_runner_functions. */
export class Registry {
  private fns = new Map<string, RegisteredFunction>();
  synced = false;
  /** Bumped by every load (start-up, sync): the scheduler re-reads the crons when it changes. */
  generation = 0;

  constructor(private logger: Logger) {}

  get(id: string): RegisteredFunction | undefined {
    return this.fns.get(id);
  }

  all(): RegisteredFunction[] {
    return [...this.fns.values()];
  }

  triggeredBy(eventName: string): RegisteredFunction[] {
    return this.all().filter((f) => f.config.triggers?.some((t) => "event" in t && t.event === eventName));
  }

  cancelledBy(eventName: string): RegisteredFunction[] {
    return this.all().filter((f) => f.config.cancel?.some((c) => c.event === eventName));
  }

  /** Forgets every function (a runner in standby keeps none). */
  clear(): void {
    this.fns = new Map();
    this.synced = false;
  }

  async load(q: Query): Promise<void> {
    const rows = await q<{ id: string; app_id: string; url: string; config: FunctionConfig }>(
      "SELECT id, app_id, url, config FROM inngest_runner_functions",
    );
    this.fns = new Map(rows.map((r) => [r.id, describe(r.app_id, r.url, r.config)]));
    this.synced = rows.length > 0;
    this.generation += 1;
  }

  /** Replaces one app's functions (a sync): new and changed ones are stored, removed ones dropped. */
  async replaceApp(q: Query, app: { id: string; url: string; sdk?: string }, configs: FunctionConfig[]): Promise<void> {
    const now = Date.now();
    await q(
      `INSERT INTO inngest_runner_apps (id, url, sdk, synced_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, sdk = EXCLUDED.sdk, synced_at = EXCLUDED.synced_at`,
      [app.id, app.url, app.sdk ?? null, now],
    );
    await q(
      "DELETE FROM inngest_runner_functions WHERE app_id = $1 AND id NOT IN (SELECT jsonb_array_elements_text($2::jsonb))",
      [app.id, JSON.stringify(configs.map((c) => c.id))],
    );
    for (const config of configs) {
      const fn = describe(app.id, app.url, config);
      await q(
        `INSERT INTO inngest_runner_functions (id, app_id, name, url, config, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
         ON CONFLICT (id) DO UPDATE SET app_id = EXCLUDED.app_id, name = EXCLUDED.name, url = EXCLUDED.url,
           config = EXCLUDED.config, updated_at = EXCLUDED.updated_at`,
        [fn.id, app.id, fn.name, fn.url, JSON.stringify(config), now],
      );
      for (const reason of fn.unsupported)
        this.logger.error(`[inngest-runner] function "${fn.id}": ${reason}; its runs will fail`);
    }
    await this.load(q);
    await syncCrons(q, this.all());
  }
}
