/**
 * Shared types of the embedded runner. It depends on nothing in the product: the database is
 * any object with a raw `query` and a `transaction`, which both PGlite and postgres.js satisfy.
 */
export type Query = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

export type RunnerDb = {
  query: Query;
  transaction<T>(fn: (query: Query) => Promise<T>): Promise<T>;
};

export type Logger = {
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
};

export type Backoff = { baseMs: number; maxMs: number };

/** The event shape Inngest stores and hands to functions. */
export type EventPayload = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  user?: Record<string, unknown>;
  ts: number;
  v?: string;
};

export type ConcurrencyOption = { limit: number; key?: string; scope?: "fn" | "env" | "account" };

/** The subset of the SDK's FunctionConfig (sent on sync) the runner reads. */
export type FunctionConfig = {
  id: string;
  name?: string;
  triggers: Array<{ event: string; expression?: string } | { cron: string; jitter?: string }>;
  steps: Record<
    string,
    { id: string; name: string; runtime: { type: string; url: string }; retries?: { attempts?: number } }
  >;
  concurrency?: number | ConcurrencyOption | ConcurrencyOption[];
  throttle?: { key?: string; limit: number; period: string; burst?: number };
  rateLimit?: { key?: string; limit: number; period: string };
  idempotency?: string;
  cancel?: Array<{ event: string; if?: string; timeout?: string }>;
  batchEvents?: unknown;
  debounce?: unknown;
  singleton?: unknown;
  priority?: unknown;
  timeouts?: unknown;
};

/** One op in a 206 response from the SDK (see StepOpCode in the inngest SDK). */
export type OutgoingOp = {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown>;
  data?: unknown;
  error?: unknown;
  /** When the SDK ran the step: `a` its start, `b` its duration, both in nanoseconds (ms × 10⁶). */
  timing?: { a?: unknown; b?: unknown };
};

export type SerializedError = { name: string; message: string; stack?: string; [k: string]: unknown };

export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";
