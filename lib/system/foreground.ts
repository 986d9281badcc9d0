import { AsyncLocalStorage } from "node:async_hooks";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";

/**
 * Pages first (docs/decisions/0025), where one WebAssembly database serves pages and background work:
 * in the one-process shape (role `all`) here, and for the web and worker processes on the embedded
 * PGlite in the database process (db/remote/host.ts), which this module tells when pages are in flight.
 *
 * There, one event loop and one PGlite (WebAssembly, run on that loop, one query at a time) serve
 * both the people using the pages and the background functions. Without a rule, a page's queries
 * queue behind a 200-image batch's and its rendering shares the loop with a dozen steps, so pages
 * get slow in proportion to the background work. The rule: while a person's request is being
 * answered, background work waits at its next database call (up to BACKGROUND_MAX_WAIT_MS, so it
 * always moves on), and the page gets the loop and the database to itself.
 *
 * - A request is *foreground* unless it is the engine calling the functions (`/api/inngest`) or a
 *   long-lived event stream; its handling runs inside an AsyncLocalStorage context, so its own
 *   database calls are never held.
 * - Only entry points wait (a query, or the start of a transaction): a transaction already open
 *   runs to its end, so a page never waits for a transaction that is itself waiting for the page.
 */
export const BACKGROUND_MAX_WAIT_MS = 500;

type State = {
  storage: AsyncLocalStorage<true>;
  inFlight: number;
  waiters: Array<() => void>;
  installed: boolean;
  /** Told when the first request starts and the last one ends (the embedded database's host, db/remote). */
  listeners: Array<(busy: boolean) => void>;
};
const KEY = Symbol.for("kiln.foreground");
// On globalThis: Next.js loads instrumentation and route bundles as separate module instances.
const state: State = ((globalThis as { [KEY]?: State })[KEY] ??= {
  storage: new AsyncLocalStorage<true>(),
  inFlight: 0,
  waiters: [],
  installed: false,
  listeners: [],
});

/**
 * The header an event send carries when it is made for a person's request (foregroundAwareFetch):
 * the embedded runner's event API then stores the events with the pages (lib/system/start-runner.ts).
 * A scheduling hint only, like the rest of pages first: it grants nothing.
 */
export const FOREGROUND_HEADER = "x-kiln-foreground";

/**
 * Is this request a person's (foreground), as opposed to the engine's calls or a stream? In the
 * one-process shape the embedded runner's own routes (the event API, the SDK's checkpoints and
 * sync) reach this process too: an event sent for a person's request says so (FOREGROUND_HEADER);
 * the rest is background work, such as a function's step.sendEvent fanning out a batch.
 */
export function isForegroundRequest(req: Pick<IncomingMessage, "url" | "headers">): boolean {
  const url = req.url ?? "";
  if (url === "/api/inngest" || url.startsWith("/api/inngest?") || url.startsWith("/api/inngest/")) return false;
  if (url.startsWith("/e/")) return req.headers[FOREGROUND_HEADER] === "1";
  if (url.startsWith("/v1/checkpoint/") || url === "/fn/register") return false;
  return !String(req.headers.accept ?? "").includes("text/event-stream");
}

/**
 * fetch for the Inngest client: a request made for a person's request (an event a page sends)
 * carries FOREGROUND_HEADER; the engine's other traffic and background functions' sends do not.
 */
export const foregroundAwareFetch: typeof fetch = (input, init) => {
  if (!inForeground()) return fetch(input, init);
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set(FOREGROUND_HEADER, "1");
  return fetch(input, { ...init, headers });
};

/** Marks a request foreground from its start until its response closes; exported for tests. */
export function trackForeground<T>(res: Pick<ServerResponse, "once">, handle: () => T): T {
  if (state.inFlight++ === 0) for (const listener of state.listeners) listener(true);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    state.inFlight--;
    if (state.inFlight > 0) return;
    for (const wake of state.waiters.splice(0)) wake();
    for (const listener of state.listeners) listener(false);
  };
  res.once("close", finish);
  return state.storage.run(true, handle);
}

/**
 * Installs the tracking on every HTTP server of this process (Next's included), before any request:
 * in the one-process shape it holds this process's background calls; in a web process on the
 * embedded database it tells the database process (onForegroundChange), which holds the workers'.
 */
export function installForegroundTracking(): void {
  if (state.installed) return;
  state.installed = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function trackRequest(
    this: http.Server,
    event: string | symbol,
    ...args: unknown[]
  ): boolean {
    const call = () =>
      (emit as (this: http.Server, event: string | symbol, ...rest: unknown[]) => boolean).call(this, event, ...args);
    if (event !== "request") return call();
    const [req, res] = args as [IncomingMessage, ServerResponse];
    return isForegroundRequest(req) ? trackForeground(res, call) : call();
  } as typeof emit;
}

/**
 * Calls `listener(true)` when this process starts answering people's requests (none → one) and
 * `listener(false)` when it has answered them all. The web process tells the embedded database's
 * host this way, so the workers' calls wait there for its pages (db/remote/host.ts).
 */
export function onForegroundChange(listener: (busy: boolean) => void): () => void {
  state.listeners.push(listener);
  if (state.inFlight > 0) listener(true);
  return () => {
    const i = state.listeners.indexOf(listener);
    if (i >= 0) state.listeners.splice(i, 1);
  };
}

/**
 * Runs `work` as part of a person's request: its database calls do not wait for pages (here) and go
 * with the pages at the embedded database's host (db/remote/client.ts). For work a person waits on
 * that does not arrive as a page request of this process: the runner's event API in a worker storing
 * the events a page sent, while that page holds its answer.
 */
export function asForeground<T>(work: () => T): T {
  return state.storage.run(true, work);
}

/**
 * The embedded runner's eventIntake (lib/system/start-runner.ts): events a page sent
 * (FOREGROUND_HEADER) are stored as part of that page's request; other senders' wait their turn.
 */
export function storeWithPages<T>(store: () => Promise<T>, headers: IncomingHttpHeaders): Promise<T> {
  return headers[FOREGROUND_HEADER] === "1" ? asForeground(store) : store();
}

/** Is this code running for a person's request (a foreground request, or asForeground)? */
export function inForeground(): boolean {
  return state.storage.getStore() === true;
}

/** How many people's requests are being answered right now. */
export function foregroundInFlight(): number {
  return state.inFlight;
}

/**
 * Waits while people's requests are being answered (returns at once inside one of them, or when
 * none is), at most `maxWaitMs`.
 */
export function yieldToForeground(maxWaitMs = BACKGROUND_MAX_WAIT_MS): Promise<void> | undefined {
  if (state.inFlight === 0 || state.storage.getStore()) return undefined;
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      const i = state.waiters.indexOf(wake);
      if (i >= 0) state.waiters.splice(i, 1);
      resolve();
    };
    const timer = setTimeout(wake, maxWaitMs);
    state.waiters.push(wake);
  });
}

type Gateable = {
  query: (...args: never[]) => Promise<unknown>;
  exec: (...args: never[]) => Promise<unknown>;
  transaction: (...args: never[]) => Promise<unknown>;
};

/**
 * Makes background calls to this PGlite wait for the pages first (yieldToForeground) at its entry
 * points: `query`, `exec` and `transaction`. Queries inside an open transaction go through the
 * transaction's own object and never wait.
 */
export function gateBackgroundCalls<T extends Gateable>(client: T): T {
  for (const name of ["query", "exec", "transaction"] as const) {
    const original = client[name].bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const wait = yieldToForeground();
      return wait ? wait.then(() => original(...args)) : original(...args);
    };
  }
  return client;
}
