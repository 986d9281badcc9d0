import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "./auth/client-ip";

/**
 * The one place that reads process.env. Every variable has the embedded default of the
 * brief, so `npm start` on a fresh clone needs no configuration at all.
 */
const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Public URL of the app: auth callbacks, and the only origin state-changing requests may come from. */
  KILN_URL: optionalString,
  /** Folder for the embedded database, blobs and generated secrets. */
  KILN_DATA_DIR: z.string().default(".data"),
  /** Seed one demo user per role at start-up. */
  KILN_DEMO: flag,
  /** Postgres connection string; the embedded PGlite is used when unset. */
  DATABASE_URL: optionalString.pipe(z.string().url().optional()),
  /** Auth.js secret; generated once into the data folder when unset. */
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional()),
  /** Key (32 random bytes, base64) that encrypts provider secrets at rest; generated when unset. */
  KILN_SECRETS_KEY: optionalString,
  AUTH_OIDC_ISSUER: optionalString.pipe(z.string().url().optional()),
  AUTH_OIDC_CLIENT_ID: optionalString,
  AUTH_OIDC_CLIENT_SECRET: optionalString,
  AUTH_OIDC_NAME: z.string().default("Single sign-on"),
  /** Failed sign-ins allowed per email (and per address) inside the window before refusing. */
  KILN_SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  KILN_SIGNIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  /** Reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For is believed; none by default. */
  KILN_TRUSTED_PROXIES: optionalString.refine((v) => parseTrustedProxies(v).ok, {
    message: "KILN_TRUSTED_PROXIES must list IP addresses or CIDRs (e.g. 10.0.0.0/8, ::1), separated by commas",
  }),
  /** Vercel Blob token; local disk storage under the data folder is used when unset. */
  BLOB_READ_WRITE_TOKEN: optionalString,
  KILN_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  /** Largest provider output image Kiln downloads (bytes); a bigger one is cut off and the call fails. */
  KILN_MAX_DOWNLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  /** How long one provider output download may take (ms), redirects included. */
  KILN_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** Largest accepted upload in decoded pixels (megapixels): refuses decompression bombs before decoding. */
  KILN_MAX_UPLOAD_MEGAPIXELS: z.coerce.number().min(1).max(268).default(100),
  /** Inngest: dev-mode engine URL (the embedded runner by default). */
  INNGEST_DEV: optionalString,
  INNGEST_BASE_URL: optionalString,
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  /** Port of the embedded Inngest runner (loopback only). */
  KILN_RUNNER_PORT: z.coerce.number().int().min(1).max(65535).default(8288),
  /** Port of the built-in GPU endpoint simulator (loopback only); 0 turns it off. */
  KILN_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(7860),
  /** The ceiling on provider calls in flight at once per GPU endpoint (each endpoint's own limit is capped by it; the generate function runs twice this per endpoint, lib/generation/calls-in-flight.ts). */
  KILN_PROVIDER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** Generations started per user per minute (throttle; work beyond it waits, it is not dropped). */
  KILN_USER_GENERATIONS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /**
   * Waits (paused endpoint, budget hold, busy endpoint) one generate-image run polls before handing
   * on to a fresh run: each is two steps, and Inngest allows 1,000 steps per run.
   */
  KILN_GENERATION_WAITS_PER_RUN: z.coerce.number().int().min(1).max(450).default(400),
  /** Automatic failover (lib/operations/failover): the error-rate window an endpoint's health is judged over, */
  KILN_FAILOVER_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  /** the fewest calls in that window before a rate counts (two failures of two is no trend), */
  KILN_FAILOVER_MIN_CALLS: z.coerce.number().int().min(1).default(5),
  /** and the failed share (percent) at which the endpoint is unhealthy (half of it: degraded). */
  KILN_FAILOVER_ERROR_PERCENT: z.coerce.number().min(1).max(100).default(50),
  /** Written into every delivered file's photoshop:Credit (IPTC credit line). */
  KILN_DELIVERY_CREDIT: z.string().trim().min(1).max(200).default("Made with Kiln"),
  /** How long an export's ZIP stays downloadable. */
  KILN_EXPORT_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 90)
    .default(72),
  /** How long an asset may wait in review before it counts as late (the queue shows its age against this). */
  KILN_REVIEW_SLA_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** Images one user may queue per rolling 24 hours; 0 means no quota. */
  KILN_USER_DAILY_IMAGE_QUOTA: z.coerce.number().int().min(0).default(5000),
  /** Force the embedded runner on (1) or off (0); by default it runs unless another engine is set. */
  KILN_EMBEDDED_RUNNER: z.enum(["0", "1"]).optional(),
  /** Requests one API token may make per minute (/api/v1); beyond it, 429 with Retry-After. */
  KILN_API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
  /** Webhook deliveries that finally fail in a row before the endpoint is disabled (its owner is told). */
  KILN_WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(1000).default(5),
  /**
   * Let webhook endpoints point at loopback and private networks (127.0.0.1, 10/8, …). Off by default:
   * a webhook URL is chosen by any user, so only public addresses are allowed (the GPU endpoints' SSRF
   * rule without their per-endpoint allowPrivate flag). Tests and the e2e journey turn it on to reach a
   * receiver on loopback; metadata and link-local addresses stay refused either way.
   */
  KILN_WEBHOOK_ALLOW_PRIVATE: flag,
  /**
   * Delays before each delivery attempt, comma-separated (e.g. "0,5s,5m"). Unset: the Standard Webhooks
   * schedule, immediately then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. Tests set short ones.
   */
  KILN_WEBHOOK_RETRY_SCHEDULE: optionalString,
  /** Days the embedded runner keeps finished runs (with their steps) and processed events; running and waiting ones are never pruned. */
  KILN_RETENTION_RUNS_DAYS: z.coerce.number().min(1).max(3650).default(14),
  /** Days sign-in attempts are kept (never less than the sign-in rate limit's window); failed sign-ins stay in the audit log. */
  KILN_RETENTION_SIGN_IN_DAYS: z.coerce.number().min(1).max(3650).default(30),
  /** Days finished webhook deliveries and their attempt logs are kept; pending and retrying ones are never pruned. */
  KILN_RETENTION_WEBHOOK_DAYS: z.coerce.number().min(1).max(3650).default(30),
  /** Interface `npm start` binds the app to (next start -H); all interfaces when unset. */
  KILN_HOST: optionalString,
  /**
   * Which part of Kiln this process runs (docs/decisions/0024-web-and-worker-processes.md): `all` (pages,
   * API and background functions in one process), `web` (pages and API), `worker` (background functions
   * and the CPU-heavy engines, served on KILN_WORKER_PORT) or `database` (owns the embedded PGlite and
   * serves it to the others on this machine: docs/decisions/0027). `npm start` sets it.
   */
  KILN_ROLE: z.enum(["all", "web", "worker", "database"]).default("all"),
  /** Port a worker process serves the background functions on (`/api/inngest`). */
  KILN_WORKER_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  /** Interface a worker binds to: loopback by default; 0.0.0.0 when the engine runs on another machine (calls stay signed). */
  KILN_WORKER_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Worker processes `npm start` runs beside the web process on PostgreSQL (the embedded database allows one process). */
  KILN_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
  /** Where the embedded runner sends function calls, comma-separated serve URLs; it spreads them and skips one that is down. */
  KILN_WORKER_URLS: optionalString,
  /**
   * Function calls one worker process runs at once; more wait their turn in that process. Unset: as
   * many as the runner has in flight (max(16, generate calls + check runs + renditions), lib/generation/calls-in-flight.ts).
   */
  KILN_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(512).optional(),
  /** OS priority (nice, 0–19) of worker processes and engine threads, so pages stay responsive under load; 0 turns it off. */
  KILN_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * What KILN_WORKER_NICE applies to in a worker process: `process` (all its threads, via `nice` at
   * start) or `threads` (all but the main thread, which runs the functions' JavaScript and holds the
   * embedded database's transactions). Measured on PGlite (bench:responsiveness): no difference yet.
   */
  KILN_WORKER_NICE_SCOPE: z.enum(["process", "threads"]).default("process"),
  /**
   * One-process shape (role `all`): background work waits at its next database call while a person's
   * request is answered (lib/system/foreground.ts). On unless "0"/"false"; off only to measure what it buys.
   */
  KILN_PAGES_FIRST: z
    .enum(["0", "1", "true", "false", ""])
    .optional()
    .transform((v) => v !== "0" && v !== "false"),
  /**
   * Database process only (KILN_ROLE=database): a file to append one JSON line per call the host ran
   * (db/remote/host.ts HoldTrace: who, waited, held, statements) — for finding what holds the
   * embedded database while pages wait. Unset: no tracing.
   */
  KILN_DB_TRACE: z.string().optional(),
  /** On SIGTERM, how long in-flight background steps may take to finish before the process stops anyway. */
  KILN_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** Set by `npm start` and the image: Next.js leaves SIGTERM to Kiln's graceful shutdown (lib/system/shutdown.ts). */
  NEXT_MANUAL_SIG_HANDLE: flag,
  /**
   * Bearer token a Prometheus scraper sends to /api/metrics. Unset: the endpoint is off (404).
   * At least 16 characters: it is the endpoint's whole protection.
   */
  KILN_METRICS_TOKEN: optionalString.pipe(
    z.string().min(16, "KILN_METRICS_TOKEN must be at least 16 characters").optional(),
  ),
  /** Least severe level written to the JSON log on stdout. */
  KILN_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * The SMTP server alert e-mails go through: smtp://user:pass@host:port (smtps:// for TLS from the
   * first byte). Operator-configured, so it is not held to the GPU endpoints' address rule; unset:
   * the e-mail channel is "not configured" and alert events say so.
   */
  KILN_SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\/[^/\s]+/.test(v), {
    message: "KILN_SMTP_URL must look like smtp://user:password@host:587 (or smtps://… for implicit TLS)",
  }),
  /** The From of alert e-mails; "Kiln alerts <alerts@<KILN_URL's host>>" when unset. */
  KILN_ALERT_EMAIL_FROM: optionalString,
});

export type Env = z.infer<typeof envSchema> & {
  dataDir: string;
  appUrl: string;
  databaseKind: "pglite" | "postgres";
  blobDriver: "local" | "vercel";
  inngest: { mode: "dev"; devUrl: string } | { mode: "cloud" };
  oidcEnabled: boolean;
};

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  // An empty variable means "unset", as in most shells' and orchestrators' conventions.
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.KILN_DATA_DIR);
  const appUrl = e.KILN_URL ?? `http://localhost:${e.PORT}`;
  const cloud = Boolean(e.INNGEST_SIGNING_KEY) && !e.INNGEST_DEV;
  cached = {
    ...e,
    dataDir,
    appUrl,
    databaseKind: e.DATABASE_URL ? "postgres" : "pglite",
    blobDriver: e.BLOB_READ_WRITE_TOKEN ? "vercel" : "local",
    inngest: cloud
      ? { mode: "cloud" }
      : { mode: "dev", devUrl: e.INNGEST_DEV ?? `http://127.0.0.1:${e.KILN_RUNNER_PORT}` },
    oidcEnabled: Boolean(e.AUTH_OIDC_ISSUER && e.AUTH_OIDC_CLIENT_ID && e.AUTH_OIDC_CLIENT_SECRET),
  };
  return cached;
}

/** The Auth.js secret: AUTH_SECRET, or one generated once into the data folder and kept there. */
export function authSecret(): string {
  const e = env();
  return e.AUTH_SECRET ?? readOrCreateSecret(e.dataDir, "auth-secret");
}

/** The key for secrets at rest: KILN_SECRETS_KEY, or one generated once into the data folder. */
export function secretsKey(): Buffer {
  const e = env();
  const key = Buffer.from(e.KILN_SECRETS_KEY ?? readOrCreateSecret(e.dataDir, "secrets-key"), "base64url");
  if (key.length !== 32) throw new Error("KILN_SECRETS_KEY must be 32 bytes, base64-encoded.");
  return key;
}

/**
 * The key the embedded Inngest runner signs its calls to /api/inngest with (and the app its
 * answers): INNGEST_SIGNING_KEY, or `signkey-kiln-<hex>` generated once into the data folder.
 */
export function inngestSigningKey(): string {
  const e = env();
  return (
    e.INNGEST_SIGNING_KEY ??
    readOrCreateSecret(e.dataDir, "inngest-signing-key", () => `signkey-kiln-${randomBytes(32).toString("hex")}`)
  );
}

/**
 * KILN_LOG_LEVEL alone, without reading (and caching) the whole configuration: the logger is made
 * when its module loads, before tests set their variables, and must work even when another
 * variable is invalid (that error is then logged). An invalid level falls back to "info".
 */
export function logLevel(): Env["KILN_LOG_LEVEL"] {
  const parsed = envSchema.shape.KILN_LOG_LEVEL.safeParse(process.env.KILN_LOG_LEVEL?.trim() || undefined);
  return parsed.success ? parsed.data : "info";
}

/** Tests change variables between cases; production reads them once. */
export function resetEnvForTests(): void {
  cached = undefined;
}

/**
 * Makes process.env a plain object holding the same variables (the worker process calls it first).
 *
 * The Inngest SDK copies the whole environment (Object.entries(process.env), filtered to its own
 * variables) several times for every request it serves and every call it makes: about fifty times
 * per generated image. Node's process.env reads each variable through the C++ environment
 * accessor: ~60 µs a copy with 35 variables on the session-26 machine, and more with the hundreds
 * a container orchestrator injects; a plain object takes ~10 µs (an ad-hoc timing, not committed).
 *
 * Kiln sets no variable after start. Native code (libvips, onnxruntime) reads the real environment,
 * which keeps what it had; child processes and worker threads start from process.env, so they get the
 * same variables either way.
 */
export function usePlainProcessEnv(): void {
  process.env = { ...process.env };
}

/** True while `next build` runs: nothing may touch the database then. */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === "phase-production-build";
}

function readOrCreateSecret(dataDir: string, name: string, make = () => randomBytes(32).toString("base64url")): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = make();
  // Written whole to a file of its own, then linked into place: link() refuses to overwrite a secret
  // another process (a web and workers starting together) put there first, and no process can ever
  // read a half-written one.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(tmp, secret, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readFileSync(file, "utf8").trim();
  } finally {
    unlinkSync(tmp);
  }
}
