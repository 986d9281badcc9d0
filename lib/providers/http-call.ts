/**
 * Plumbing shared by the HTTP adapters: one call scope per adapter call (caller signal + timeout
 * merged into one AbortSignal), status → ProviderError kind mapping, abortable sleep and bounded
 * polling with backoff. Everything thrown out of `withCall` is a ProviderError.
 *
 * Every request goes through the outbound policy (lib/net/outbound-fetch.ts) bound to the
 * endpoint's allowPrivate flag; API calls never follow redirects, and response bodies are read
 * with a cap. Output image downloads (which may follow a few checked redirects) are in download.ts.
 */
import { env } from "@/lib/env";
import { isRedirect, OutboundRefusedError, outboundFetch } from "@/lib/net/outbound-fetch";
import {
  ProviderError,
  type AdapterDeps,
  type CallOptions,
  type ProviderConfig,
  type ProviderErrorKind,
} from "./types";

export type FetchFn = typeof fetch;

/** The fetch an adapter uses: the test's, or the outbound policy bound to this endpoint's flag. */
export function fetchFor(config: Pick<ProviderConfig, "allowPrivate">, deps: AdapterDeps = {}): FetchFn {
  return (
    deps.fetch ??
    outboundFetch({ allowPrivate: config.allowPrivate ?? false, ...(deps.lookup ? { lookup: deps.lookup } : {}) })
  );
}

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
      const why =
        this.signal.reason === TIMEOUT ? `timed out after ${this.options.timeoutMs}ms` : "aborted by the caller";
      const billable = error instanceof ProviderError && error.billable;
      return new ProviderError("timeout", `${this.label}: ${why}`, { cause: error, billable });
    }
    if (error instanceof ProviderError) return error;
    // Not retryable: the same address will be refused again (and a rebinding attack should not get retries).
    if (error instanceof OutboundRefusedError)
      return new ProviderError("invalid_request", `${this.label}: ${error.message}`, { cause: error });
    if (
      error instanceof TypeError &&
      /fetch failed|network|ECONN|socket/i.test(`${error.message} ${String(error.cause)}`)
    ) {
      return new ProviderError(
        "unavailable",
        `${this.label}: endpoint unreachable (${String((error.cause as Error | undefined)?.message ?? error.message)})`,
        {
          cause: error,
        },
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError("transient", `${this.label}: ${message}`, { cause: error });
  }
}

/** Runs one adapter call inside a scope; the scope's signal must be passed to every fetch/sleep. */
export async function withCall<T>(
  label: string,
  options: CallOptions | undefined,
  fn: (scope: CallScope) => Promise<T>,
): Promise<T> {
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

/**
 * fetch + status check. Non-2xx answers go through `mapError` first, then the generic rule.
 * Redirects are refused: no provider API documents one, a 301/302 would turn a POST into a GET,
 * and following it is how a saved endpoint could bounce Kiln to an internal address.
 */
export async function request(
  scope: CallScope,
  fetchFn: FetchFn,
  url: string,
  init: RequestInit,
  mapError?: ErrorMapper,
): Promise<Response> {
  const res = await fetchFn(url, { ...init, redirect: "manual", signal: scope.signal });
  if (res.ok) return res;
  if (isRedirect(res.status) || res.type === "opaqueredirect") {
    await res.body?.cancel().catch(() => {});
    const to = originOf(res.headers.get("location"), url);
    const message = `the endpoint answered with a redirect (HTTP ${res.status}${to ? ` to ${to}` : ""}); Kiln does not follow redirects on API calls. If the endpoint moved, set its URL to the new address.`;
    throw new ProviderError("invalid_request", `${scope.label}: ${message}`, {
      status: res.status,
      cause: new OutboundRefusedError(message),
    });
  }
  const text = await readTextUpTo(res, ERROR_BODY_BYTES);
  const body: ErrorBody = { status: res.status, text, json: parseJson(text), headers: res.headers };
  throw (
    mapError?.(body) ??
    new ProviderError(kindForStatus(res.status), `${scope.label}: HTTP ${res.status} ${text.slice(0, 300)}`.trim(), {
      status: res.status,
    })
  );
}

/** Enough of an error body for the provider's message; the rest is not read. */
const ERROR_BODY_BYTES = 64 * 1024;

function originOf(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}

export type DownloadLimits = { maxBytes: number; timeoutMs: number };

/** KILN_MAX_DOWNLOAD_BYTES and KILN_DOWNLOAD_TIMEOUT_MS. */
export function downloadLimits(): DownloadLimits {
  const e = env();
  return { maxBytes: e.KILN_MAX_DOWNLOAD_BYTES, timeoutMs: e.KILN_DOWNLOAD_TIMEOUT_MS };
}

/** An API answer may carry an image as base64 JSON (A1111, OpenAI b64_json): the image cap, inflated by 4/3, plus room. */
export function responseLimit(): number {
  return Math.ceil((downloadLimits().maxBytes * 4) / 3) + 1024 * 1024;
}

export function formatBytes(n: number): string {
  const mb = n / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${Math.round(n / 1024)} KB`;
}

/**
 * Reads a body into `chunks` until it ends or passes `maxBytes`; past the cap the rest is
 * cancelled unread (the connection is dropped). True when the body was larger than the cap.
 */
async function readInto(body: ReadableStream<Uint8Array>, maxBytes: number, chunks: Uint8Array[]): Promise<boolean> {
  const reader = body.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    chunks.push(value);
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return true;
    }
  }
}

/** Reads a body, refusing it (and dropping the connection) once it passes `maxBytes`. */
export async function readBytes(
  scope: CallScope,
  res: Response,
  maxBytes: number,
  what = "the response",
): Promise<Buffer> {
  const tooLarge = () =>
    new ProviderError(
      "invalid_request",
      `${scope.label}: ${what} is larger than the ${formatBytes(maxBytes)} limit (KILN_MAX_DOWNLOAD_BYTES).`,
    );
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  if (await readInto(res.body, maxBytes, chunks)) throw tooLarge();
  return Buffer.concat(chunks);
}

/** At most `maxBytes` of a body as text (for error messages); the rest is discarded unread. */
async function readTextUpTo(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  try {
    await readInto(res.body, maxBytes, chunks);
  } catch {
    // A body that breaks off mid-error still has its status to report.
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8");
}

/** The body as text, within the API response cap. */
export async function readText(scope: CallScope, res: Response): Promise<string> {
  return (await readBytes(scope, res, responseLimit())).toString("utf8");
}

export async function readJson(scope: CallScope, res: Response): Promise<Record<string, unknown>> {
  const text = await readText(scope, res);
  const json = parseJson(text);
  if (!isRecord(json))
    throw new ProviderError("transient", `${scope.label}: expected a JSON object, got ${text.slice(0, 200)}`);
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
export function withDefaultTimeout(config: {
  options?: Record<string, unknown>;
}): (options?: CallOptions) => CallOptions {
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
