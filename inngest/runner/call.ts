import { parseRetryAfter } from "./durations";
import { canonicalJson, signBody, verifySignature } from "./signing";
import type { Engine } from "./engine";
import type { RegisteredFunction } from "./registry";
import type { EventPayload, OutgoingOp, RunStatus, SerializedError } from "./types";

export type CallJob = {
  id: number;
  run_id: string;
  step_id: string;
  attempt: number;
  payload: { net?: number } | null;
};

export type RunForCall = { id: string; function_id: string; event: EventPayload; status: RunStatus; version: number };

/** What one HTTP call to the app's serve() route came back with. */
export type CallOutcome =
  | { kind: "complete"; output: unknown; version?: number }
  | { kind: "ops"; ops: OutgoingOp[]; noRetry: boolean; retryAt: number | null; version?: number }
  | {
      kind: "error";
      error: SerializedError;
      retriable: boolean;
      retryAt: number | null;
      countsAttempt: boolean;
      version?: number;
    };

/** The SDK header the contract test pins; every serve() response carries it. */
export const SDK_HEADER = "x-inngest-sdk";

/**
 * Builds the request the SDK's InngestCommHandler expects for a run (see parseFnData in the
 * SDK): the event, every memoized step, and ctx with the step stack. With `checkpointing`, ctx
 * also names the function and this call (`fn_id`, `qi_id`): the SDK then runs one step after
 * another within this one call, reports finished steps to the runner's checkpoint route
 * (checkpoint.ts) as its client's `checkpointing` option says, and answers with the rest and the
 * run's result (RunComplete). Without them it answers after each step, as before.
 */
export type MemoizedStep = { id: string; status: string; data: unknown; error: unknown };

export function buildRequest(
  run: RunForCall,
  fn: RegisteredFunction,
  job: CallJob,
  steps: MemoizedStep[],
  checkpointing = true,
) {
  const memo: Record<string, unknown> = {};
  for (const s of steps)
    memo[s.id] = s.status === "failed" ? { type: "error", error: s.error } : { type: "data", data: s.data ?? null };
  const stack = steps.map((s) => s.id);
  const body = {
    event: run.event,
    events: [run.event],
    steps: memo,
    ctx: {
      run_id: run.id,
      attempt: job.attempt,
      max_attempts: fn.maxAttempts,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack, current: stack.length },
      ...(checkpointing ? { fn_id: fn.id, qi_id: String(job.id) } : {}),
    },
    version: run.version,
  };
  const url = new URL(fn.url);
  url.searchParams.set("fnId", fn.id);
  url.searchParams.set("stepId", job.step_id || "step");
  return { url, text: canonicalJson(body) };
}

function asError(value: unknown, fallback: string): SerializedError {
  if (value && typeof value === "object" && typeof (value as SerializedError).message === "string") {
    const v = value as SerializedError;
    return { ...v, name: typeof v.name === "string" ? v.name : "Error" };
  }
  if (typeof value === "string" && value) return { name: "Error", message: value };
  return { name: "Error", message: fallback };
}

function json401(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export async function callApp(
  engine: Engine,
  url: URL,
  text: string,
  runId: string,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<CallOutcome> {
  const headers: Record<string, string> = { "content-type": "application/json", "x-run-id": runId };
  if (engine.signingKey) headers["x-inngest-signature"] = signBody(text, engine.signingKey);
  let res: Response;
  let body: string;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    res = await fetch(url, {
      method: "POST",
      headers,
      body: text,
      signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
    });
    body = await res.text();
  } catch (err) {
    // The app is down or restarting: retry, but do not spend the function's attempts on it.
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    const timedOut = (err as Error).name === "TimeoutError";
    return {
      kind: "error",
      error: {
        name: "Error",
        message: timedOut
          ? `the app did not answer within ${timeoutMs} ms (${url.origin})`
          : `could not reach the app at ${url.origin} (${cause})`,
      },
      retriable: true,
      retryAt: null,
      countsAttempt: timedOut,
    };
  }
  const versionHeader = Number(res.headers.get("x-inngest-req-version"));
  const version = Number.isInteger(versionHeader) && versionHeader > 0 ? versionHeader : undefined;
  const fail = (message: string, retriable = true): CallOutcome => ({
    kind: "error",
    error: { name: "Error", message },
    retriable,
    retryAt: null,
    countsAttempt: true,
    version,
  });
  if (res.status === 401) {
    return fail(
      `the app rejected the runner's request as unauthorized (401): the runner's signing key does not match the app's (${asError(json401(body), "").message || "signature validation failed"})`,
    );
  }
  // A worker that is stopping (or a proxy with no worker behind it) answers 502/503/504 without
  // the SDK's header: like a refused connection, retry elsewhere without spending an attempt.
  if ([502, 503, 504].includes(res.status) && !res.headers.get(SDK_HEADER)) {
    return {
      kind: "error",
      error: { name: "Error", message: `the app at ${url.origin} is not taking calls now (HTTP ${res.status})` },
      retriable: true,
      retryAt: parseRetryAfter(res.headers.get("retry-after"), Date.now()),
      countsAttempt: false,
    };
  }
  if (!res.headers.get(SDK_HEADER)) {
    return fail(
      `${url.origin}${url.pathname} answered ${res.status} without an ${SDK_HEADER} header; is it an Inngest serve() route?`,
    );
  }
  if (engine.signingKey) {
    try {
      verifySignature(body, res.headers.get("x-inngest-signature"), engine.signingKey);
    } catch (err) {
      return fail(
        `the app's response signature is invalid (${(err as Error).message}); the app's Inngest client must use the same signing key with isDev: false`,
      );
    }
  }
  let json: unknown;
  try {
    json = body === "" ? null : JSON.parse(body);
  } catch {
    return fail(`the app answered ${res.status} with a body that is not JSON`);
  }
  const noRetry = res.headers.get("x-inngest-no-retry") === "true";
  const retryAt = parseRetryAfter(res.headers.get("retry-after"), Date.now());
  if (res.status === 200) return { kind: "complete", output: json, version };
  if (res.status === 206) {
    if (
      !Array.isArray(json) ||
      json.some((op) => !op || typeof op !== "object" || typeof op.id !== "string" || typeof op.op !== "string")
    ) {
      return fail("the app answered 206 with something other than an array of ops");
    }
    return { kind: "ops", ops: json as OutgoingOp[], noRetry, retryAt, version };
  }
  const error = asError(json, `the app answered HTTP ${res.status}`);
  return { kind: "error", error, retriable: !noRetry, retryAt, countsAttempt: true, version };
}
