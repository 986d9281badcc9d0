/**
 * Plumbing shared by the HTTP adapters: one call scope per adapter call (caller signal + timeout
 * merged into one AbortSignal), status → ProviderError kind mapping, abortable sleep and bounded
 * polling with backoff. Everything thrown out of `withCall` is a ProviderError.
 */
import { ProviderError, type CallOptions, type ProviderErrorKind } from "./types";

export type FetchFn = typeof fetch;

const TIMEOUT = Symbol("kiln.provider.timeout");

export class CallScope {
  readonly signal: AbortSignal;
  readonly startedAt = Date.now();
  private readonly controller = new AbortController();
  private readonly timer?: ReturnType<typeof setTimeout>;
  private readonly unlink: () => void = () => {};

  constructor(
    readonly label: string,
    readonly options: CallOptions = {},
  ) {
    this.signal = this.controller.signal;
    const outer = options.signal;
    if (outer) {
      const onAbort = () => this.controller.abort(outer.reason);
      if (outer.aborted) onAbort();
      else {
        outer.addEventListener("abort", onAbort, { once: true });
        this.unlink = () => outer.removeEventListener("abort", onAbort);
      }
    }
    if (options.timeoutMs !== undefined && !this.signal.aborted) {
      this.timer = setTimeout(() => this.controller.abort(TIMEOUT), Math.max(0, options.timeoutMs));
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unlink();
  }

  /** Whatever went wrong, as a ProviderError; an aborted scope always reads as "timeout". */
  toError(error: unknown): ProviderError {
    if (this.signal.aborted) {
      const why = this.signal.reason === TIMEOUT ? `timed out after ${this.options.timeoutMs}ms` : "aborted by the caller";
      const billable = error instanceof ProviderError && error.billable;
      return new ProviderError("timeout", `${this.label}: ${why}`, { cause: error, billable });
    }
    if (error instanceof ProviderError) return error;
    if (error instanceof TypeError && /fetch failed|network|ECONN|socket/i.test(`${error.message} ${String(error.cause)}`)) {
      return new ProviderError("unavailable", `${this.label}: endpoint unreachable (${String((error.cause as Error | undefined)?.message ?? error.message)})`, {
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError("transient", `${this.label}: ${message}`, { cause: error });
  }
}

/** Runs one adapter call inside a scope; the scope's signal must be passed to every fetch/sleep. */
export async function withCall<T>(label: string, options: CallOptions | undefined, fn: (scope: CallScope) => Promise<T>): Promise<T> {
  const scope = new CallScope(label, options);
  try {
    if (scope.signal.aborted) throw scope.signal.reason;
    return await fn(scope);
  } catch (error) {
    throw scope.toError(error);
  } finally {
    scope.dispose();
  }
}

/** The generic HTTP status rule; adapters refine it with their provider's documented error bodies. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403 || status === 402) return "auth";
  if (status === 408) return "timeout";
  if (status === 429 || status === 500) return "transient";
  if (status >= 500) return "unavailable";
  return "invalid_request";
}

export type ErrorBody = { status: number; text: string; json: unknown; headers: Headers };
export type ErrorMapper = (body: ErrorBody) => ProviderError | undefined;

/** fetch + status check. Non-2xx answers go through `mapError` first, then the generic rule. */
export async function request(scope: CallScope, fetchFn: FetchFn, url: string, init: RequestInit, mapError?: ErrorMapper): Promise<Response> {
  const res = await fetchFn(url, { ...init, signal: scope.signal });
  if (res.ok) return res;
  const text = await res.text().catch(() => "");
  const body: ErrorBody = { status: res.status, text, json: parseJson(text), headers: res.headers };
  throw (
    mapError?.(body) ?? new ProviderError(kindForStatus(res.status), `${scope.label}: HTTP ${res.status} ${text.slice(0, 300)}`.trim(), { status: res.status })
  );
}

export async function readJson(scope: CallScope, res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  const json = parseJson(text);
  if (!isRecord(json)) throw new ProviderError("transient", `${scope.label}: expected a JSON object, got ${text.slice(0, 200)}`);
  return json;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export type PollPolicy = { initialMs: number; maxMs: number; maxWaitMs: number };

/** Calls `step` until it returns a value; delays grow ×1.5 up to maxMs; gives up after maxWaitMs. */
export async function poll<T>(scope: CallScope, policy: PollPolicy, step: () => Promise<T | undefined>): Promise<T> {
  let delay = policy.initialMs;
  for (;;) {
    const value = await step();
    if (value !== undefined) return value;
    if (Date.now() - scope.startedAt + delay > policy.maxWaitMs) {
      throw new ProviderError("timeout", `${scope.label}: still not finished after ${policy.maxWaitMs}ms of polling`);
    }
    await sleep(delay, scope.signal);
    delay = Math.min(Math.ceil(delay * 1.5), policy.maxMs);
  }
}

export function pollPolicy(options: Record<string, unknown> | undefined): PollPolicy {
  return {
    initialMs: numberOption(options, "pollIntervalMs", 500),
    maxMs: numberOption(options, "pollMaxIntervalMs", 5_000),
    maxWaitMs: numberOption(options, "maxWaitMs", 10 * 60_000),
  };
}

/**
 * Fills in the endpoint's default deadline (options.timeoutMs, else 10 minutes) when the caller
 * gave none, so no call can hang forever on a silent server.
 */
export function withDefaultTimeout(config: { options?: Record<string, unknown> }): (options?: CallOptions) => CallOptions {
  const fallback = numberOption(config.options, "timeoutMs", 10 * 60_000);
  return (options) => ({ ...options, timeoutMs: options?.timeoutMs ?? fallback });
}

export function numberOption(options: Record<string, unknown> | undefined, key: string, fallback: number): number {
  const value = options?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function stringOption(options: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = options?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Base URL without trailing slashes (and without a trailing /v1 when `stripV1`). */
export function baseOf(url: string, stripV1 = false): string {
  let out = url.replace(/\/+$/, "");
  if (stripV1) out = out.replace(/\/v1$/, "");
  return out;
}

export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Downloads an output image (http(s) or data: URI) within the call scope. */
export async function downloadImage(scope: CallScope, fetchFn: FetchFn, url: string, headers?: HeadersInit): Promise<{ image: Buffer; contentType: string }> {
  const data = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (data) {
    const image = data[2] ? Buffer.from(data[3] ?? "", "base64") : Buffer.from(decodeURIComponent(data[3] ?? ""));
    return { image, contentType: data[1] ?? sniffImageType(image) };
  }
  const res = await request(scope, fetchFn, url, { method: "GET", headers });
  const image = Buffer.from(await res.arrayBuffer());
  if (image.length === 0) throw new ProviderError("transient", `${scope.label}: empty image download`);
  const header = res.headers.get("content-type")?.split(";")[0]?.trim();
  return { image, contentType: header && header.startsWith("image/") ? header : sniffImageType(image) };
}

export function sniffImageType(buf: Buffer): string {
  if (buf.subarray(0, 4).toString("hex") === "89504e47") return "image/png";
  if (buf.subarray(0, 3).toString("hex") === "ffd8ff") return "image/jpeg";
  if (buf.subarray(0, 4).toString("ascii") === "RIFF" && buf.subarray(8, 12).toString("ascii") === "WEBP") return "image/webp";
  return "application/octet-stream";
}

/** Wraps bytes as a Blob for multipart bodies (copy: a Buffer may be a view on a shared pool). */
export function blobOf(image: Buffer, type = sniffImageType(image)): Blob {
  return new Blob([new Uint8Array(image)], { type });
}
