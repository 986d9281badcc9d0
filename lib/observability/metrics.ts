import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from "prom-client";
import type { Db } from "@/db";
import { logger } from "./logger";
import { PROVIDER_LATENCY_BUCKETS, readMetricsSnapshot, type MetricsSnapshot } from "./metrics-snapshot";

/**
 * Prometheus exposition for /api/metrics. Two registries, both Kiln's own (never prom-client's
 * global one, which any dependency could write to):
 *  - the process registry: prom-client's default metrics (CPU, memory, event loop, GC) of the
 *    process answering the scrape, collected once per process;
 *  - a product registry built fresh for every scrape from one database snapshot
 *    (metrics-snapshot.ts), so every web process reports the same cluster-wide figures and two
 *    concurrent scrapes never share mutable counters.
 */
const holder = globalThis as typeof globalThis & { __kilnProcessRegistry?: Registry };

export function processRegistry(): Registry {
  if (!holder.__kilnProcessRegistry) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    holder.__kilnProcessRegistry = registry;
  }
  return holder.__kilnProcessRegistry;
}

type Labels = Record<string, string>;

function counter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  values: { labels: Labels; value: number }[],
) {
  const metric = new Counter({ name, help, labelNames, registers: [registry] });
  for (const v of values) metric.inc(v.labels, v.value);
}

function gauge(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  values: { labels: Labels; value: number }[],
) {
  const metric = new Gauge({ name, help, labelNames, registers: [registry] });
  for (const v of values) metric.set(v.labels, v.value);
}

/**
 * A histogram whose buckets were counted by the database: prom-client's Histogram only counts
 * values observed in this process, so the figures are handed to the registry as a metric object
 * of the same shape (`_bucket` series, `_sum`, `_count`). `buckets` are cumulative already: the
 * count of values at or below each bound.
 */
function precomputedHistogram(
  registry: Registry,
  name: string,
  help: string,
  bounds: number[],
  series: { labels: Labels; buckets: number[]; count: number; sum: number }[],
) {
  const values = series.flatMap((s) => {
    const buckets = bounds.map((le, i) => ({
      labels: { ...s.labels, le },
      value: s.buckets[i] ?? 0,
      metricName: `${name}_bucket`,
    }));
    return [
      ...buckets,
      { labels: { ...s.labels, le: "+Inf" }, value: s.count, metricName: `${name}_bucket` },
      { labels: s.labels, value: s.sum, metricName: `${name}_sum` },
      { labels: s.labels, value: s.count, metricName: `${name}_count` },
    ];
  });
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    get: async () => ({ name, help, type: "histogram", aggregator: "sum", values }),
  };
  registry.registerMetric(metric as unknown as Metric);
}

/** The product metrics of one snapshot, in a registry of their own. */
export function productRegistry(s: MetricsSnapshot): Registry {
  const r = new Registry();
  const byEndpointTier = (pick: (g: MetricsSnapshot["generations"][number]) => number) =>
    s.generations.map((g) => ({ labels: { endpoint: g.endpoint, tier: g.tier }, value: pick(g) }));
  const note = "Counted from the database (cluster-wide, the same from every process).";

  counter(
    r,
    "kiln_generations_created_total",
    `Generations queued, by GPU endpoint (provider slug) and tier. ${note}`,
    ["endpoint", "tier"],
    byEndpointTier((g) => g.created),
  );
  counter(
    r,
    "kiln_generations_started_total",
    `Generations that made their first provider call, by endpoint and tier. ${note}`,
    ["endpoint", "tier"],
    byEndpointTier((g) => g.started),
  );
  counter(
    r,
    "kiln_generations_succeeded_total",
    `Generations that produced an image, by endpoint and tier. ${note}`,
    ["endpoint", "tier"],
    byEndpointTier((g) => g.succeeded),
  );
  counter(
    r,
    "kiln_generations_failed_total",
    `Generations dead-lettered (failed for good), by endpoint and tier. A retried one is queued again and leaves this count (read as a counter reset). ${note}`,
    ["endpoint", "tier"],
    byEndpointTier((g) => g.failed),
  );
  counter(
    r,
    "kiln_generations_cancelled_total",
    `Generations cancelled with their batch, by endpoint and tier. ${note}`,
    ["endpoint", "tier"],
    byEndpointTier((g) => g.cancelled),
  );

  gauge(
    r,
    "kiln_queue_depth",
    "Generations waiting (queued) or at a GPU endpoint (running), by endpoint.",
    ["endpoint", "state"],
    s.queue.map((q) => ({ labels: { endpoint: q.endpoint, state: q.state }, value: q.count })),
  );
  gauge(
    r,
    "kiln_queue_oldest_age_seconds",
    "Age of the oldest queued generation, by endpoint (absent when nothing waits).",
    ["endpoint"],
    s.queue
      .filter((q) => q.state === "queued")
      .map((q) => ({ labels: { endpoint: q.endpoint }, value: q.oldestAgeSeconds })),
  );

  precomputedHistogram(
    r,
    "kiln_provider_call_duration_seconds",
    `Duration of provider calls (slot claimed to result ledgered, download included), all time, by endpoint; calls cut short by a crash are left out. ${note}`,
    PROVIDER_LATENCY_BUCKETS,
    s.providerLatency.map((l) => ({
      labels: { endpoint: l.endpoint },
      buckets: l.buckets,
      count: l.count,
      sum: l.sumSeconds,
    })),
  );

  counter(
    r,
    "kiln_provider_calls_total",
    `Provider and local-engine calls from the cost ledger, by endpoint ("local" for CPU engines), tier ("none" when unattributed) and outcome (succeeded, failed, interrupted). ${note}`,
    ["endpoint", "tier", "outcome"],
    s.ledger.map((l) => ({ labels: { endpoint: l.endpoint, tier: l.tier, outcome: l.outcome }, value: l.calls })),
  );
  const spend = new Map<string, number>();
  for (const l of s.ledger)
    spend.set(`${l.endpoint}\u0000${l.tier}`, (spend.get(`${l.endpoint}\u0000${l.tier}`) ?? 0) + l.micros);
  counter(
    r,
    "kiln_spend_micros_total",
    `Spend in micro-dollars (1e-6 USD) from the cost ledger, by endpoint and tier ("none" when unattributed). ${note}`,
    ["endpoint", "tier"],
    [...spend].map(([k, value]) => {
      const [endpoint, tier] = k.split("\u0000") as [string, string];
      return { labels: { endpoint, tier }, value };
    }),
  );

  counter(
    r,
    "kiln_check_verdicts_total",
    `Automated check results, by check and verdict (pass, warn, fail). ${note}`,
    ["check", "verdict"],
    s.checks.map((c) => ({ labels: { check: c.check, verdict: c.verdict }, value: c.count })),
  );

  gauge(
    r,
    "kiln_review_backlog_items",
    "Assets waiting for a human review decision.",
    [],
    [{ labels: {}, value: s.review.pending }],
  );
  gauge(
    r,
    "kiln_review_backlog_oldest_age_seconds",
    "How long the oldest asset in review has waited (0 when none waits).",
    [],
    [{ labels: {}, value: s.review.oldestAgeSeconds }],
  );

  gauge(
    r,
    "kiln_budget_holds_active",
    "Campaigns on hold (their queued work waits), by reason (stop_loss, manual).",
    ["reason"],
    s.holds.map((h) => ({ labels: { reason: h.reason }, value: h.count })),
  );
  gauge(
    r,
    "kiln_webhook_deliveries",
    "Webhook deliveries by state (pending, retrying, succeeded, failed); rows pruned by retention leave the count.",
    ["state"],
    s.webhooks.map((w) => ({ labels: { state: w.state }, value: w.count })),
  );

  const cp = s.auditCheckpoint;
  gauge(
    r,
    "kiln_audit_checkpoint_seq",
    "Sequence number of the latest verified audit checkpoint (0 when none).",
    [],
    [{ labels: {}, value: cp?.seq ?? 0 }],
  );
  gauge(
    r,
    "kiln_audit_checkpoint_timestamp_seconds",
    "When the latest audit checkpoint was stored (Unix time; absent when none).",
    [],
    cp ? [{ labels: {}, value: cp.createdAtSeconds }] : [],
  );
  gauge(
    r,
    "kiln_audit_checkpoint_info",
    "The latest audit checkpoint's chain hash (label hash), published so an outside record can detect rewritten history; absent when none.",
    ["seq", "hash"],
    cp ? [{ labels: { seq: String(cp.seq), hash: cp.hash }, value: 1 }] : [],
  );
  return r;
}

/**
 * The exposition text: the product figures (or, if the database did not answer, a
 * kiln_metrics_database_up of 0 so the failure itself is visible) and this process's metrics.
 */
export async function renderMetrics({
  db,
  includeProcess = true,
}: {
  db: Db;
  includeProcess?: boolean;
}): Promise<{ text: string; contentType: string }> {
  const started = performance.now();
  let product: Registry;
  let up = 1;
  try {
    product = productRegistry(await readMetricsSnapshot(db));
  } catch (error) {
    logger.error({ err: error }, "metrics: reading the database snapshot failed");
    product = new Registry();
    up = 0;
  }
  gauge(
    product,
    "kiln_metrics_database_up",
    "1 when this scrape read the product figures from the database, 0 when it failed.",
    [],
    [{ labels: {}, value: up }],
  );
  gauge(
    product,
    "kiln_metrics_scrape_duration_seconds",
    "Time this scrape spent reading the database.",
    [],
    [{ labels: {}, value: (performance.now() - started) / 1000 }],
  );
  const registry = includeProcess ? Registry.merge([product, processRegistry()]) : product;
  return { text: await registry.metrics(), contentType: registry.contentType };
}
