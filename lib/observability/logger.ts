import pino, { type DestinationStream, type Level, type Logger } from "pino";
import { logLevel } from "@/lib/env";

export type { Logger } from "pino";

/**
 * Keys whose values never reach a log line, at any of the first three levels of a logged object
 * (pino's redaction works on paths, so deeper nesting is not covered: log flat objects).
 */
const SECRET_KEYS = [
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "accessToken",
  "refreshToken",
  "secret",
  "clientSecret",
  "apiKey",
  "signingKey",
  "eventKey",
  "authorization",
  "cookie",
  "set-cookie",
  "DATABASE_URL",
  "databaseUrl",
  "connectionString",
  "BLOB_READ_WRITE_TOKEN",
  "AUTH_SECRET",
  "KILN_SECRETS_KEY",
  "KILN_METRICS_TOKEN",
  "INNGEST_SIGNING_KEY",
  "INNGEST_EVENT_KEY",
];

const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`);
const join = (prefix: string, k: string) => (key(k).startsWith("[") ? `${prefix}${key(k)}` : `${prefix}.${k}`);

export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [key(k), join("*", k), join("*.*", k)]);
export const REDACTED = "[redacted]";

/**
 * Credentials inside values: the user:password part of a connection string
 * (postgres://kiln:hunter2@db/kiln) and Vercel Blob tokens (vercel_blob_rw_…), wherever they
 * appear in a message or an error's text.
 */
const CREDENTIAL_PATTERNS: [RegExp, string][] = [
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s:/@]+:[^\s@/]+@/gi, `$1${REDACTED}@`],
  [/\bvercel_blob_rw_[A-Za-z0-9_]+/g, REDACTED],
  [/\bsignkey-[A-Za-z0-9_-]+/g, REDACTED],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, `Bearer ${REDACTED}`],
];

export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function scrubValues(obj: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== "string") continue;
    const clean = scrubText(v);
    if (clean !== v) (copy ??= { ...obj })[k] = clean;
  }
  return copy ?? obj;
}

/**
 * A pino logger writing JSON lines (to stdout unless a destination is given), with secrets
 * redacted by key and credentials scrubbed from text. One per process: `logger` below.
 */
export function createLogger({
  destination,
  level = logLevel(),
}: { destination?: DestinationStream; level?: Level | "silent" } = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid, service: "kiln" },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: "msg",
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => scrubValues(obj),
    },
    serializers: {
      err: (error: Error) => {
        const s = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
        return {
          ...s,
          message: typeof s.message === "string" ? scrubText(s.message) : s.message,
          stack: typeof s.stack === "string" ? scrubText(s.stack) : s.stack,
        };
      },
    },
    hooks: {
      // Message strings (and printf arguments) are scrubbed too: an error text may carry a connection string.
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === "string" ? scrubText(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The process's logger. On globalThis because Next.js loads route bundles as separate module
 * instances; one logger (one stdout stream) serves them all.
 */
const holder = globalThis as typeof globalThis & { __kilnLogger?: Logger };
export const logger: Logger = (holder.__kilnLogger ??= createLogger());

/** An error as a log field: pino's `err` serializer gives its type, message and stack. */
export function errorFields(error: unknown): { err: unknown } {
  return { err: error instanceof Error ? error : new Error(String(error)) };
}
