import http from "node:http";
import { applyCheckpoint, checkpointBody } from "./checkpoint";
import { BadEventError, MAX_EVENT_BYTES, ingestEvents, parseEvents } from "./events";
import { hashSigningKey } from "./signing";
import { storeRegistration } from "./sync";
import type { Engine } from "./engine";

type Options = {
  eventKey?: string;
  onFirstEvent(): Promise<unknown>;
  /** Wraps the storing of events sent to the event API (RunnerOptions.eventIntake). */
  eventIntake?: <T>(store: () => Promise<T>, headers: http.IncomingHttpHeaders) => Promise<T>;
};

/** A checkpoint holds at most the SDK's buffered steps (inngest/client.ts); each step's output is capped by the SDK. */
const CHECKPOINT_BYTES = 16 * 1024 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a body up to `limit` bytes; null when it is larger (the request is then answered 413). */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(over ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * The runner's HTTP face, the subset of Inngest's API the SDK calls: POST /e/:key (event API),
 * POST /fn/register (out-of-band sync), POST /v1/checkpoint/:runId/async (steps finished inside
 * a call, checkpoint.ts) and GET /health. The other checkpoint routes (sync mode, for Inngest's
 * durable endpoints, which Kiln does not use) answer 501.
 */
export function createServer(engine: Engine, opts: Options): http.Server {
  return http.createServer((req, res) => {
    void handle(engine, opts, req, res).catch((err) => {
      engine.logger.error("[inngest-runner] request failed", err);
      if (!res.headersSent)
        send(res, 500, { error: `internal error in the embedded runner: ${(err as Error).message}`, status: 500 });
    });
  });
}

async function handle(
  engine: Engine,
  opts: Options,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://runner");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (req.method === "GET" && (path === "/" || path === "/health")) {
    return send(res, 200, {
      ok: true,
      engine: "kiln-embedded-inngest-runner",
      functions: engine.registry.all().length,
    });
  }
  const eventMatch = /^\/e\/([^/]+)$/.exec(path);
  if (eventMatch && req.method === "POST") {
    const key = decodeURIComponent(eventMatch[1]!);
    if (opts.eventKey && key !== opts.eventKey)
      return send(res, 401, { error: "event key is not valid for this runner", status: 401 });
    // Batches may hold several events; each event is checked against the 512 KiB limit below.
    const raw = await readBody(req, MAX_EVENT_BYTES * 8);
    if (raw === null)
      return send(res, 413, { error: `request body is larger than ${MAX_EVENT_BYTES * 8} bytes`, status: 413 });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, { error: "request body is not valid JSON", status: 400 });
    }
    try {
      const events = parseEvents(body, (req.headers["x-inngest-event-id-seed"] as string | undefined) ?? null);
      if (!engine.registry.synced) await opts.onFirstEvent(); // try to sync first so the events trigger at once
      const store = () => ingestEvents(engine, events);
      const ids = await (opts.eventIntake ? opts.eventIntake(store, req.headers) : store());
      return send(res, 200, { ids, status: 200 });
    } catch (err) {
      if (err instanceof BadEventError) {
        const status = err.message.includes("the limit is") ? 413 : 400;
        return send(res, status, { error: err.message, status });
      }
      throw err;
    }
  }
  if (path === "/fn/register" && req.method === "POST") {
    if (!authorized(engine, req, res)) return;
    const raw = await readBody(req, 16 * 1024 * 1024);
    try {
      const n = await storeRegistration(engine, JSON.parse(raw ?? ""));
      return send(res, 200, { status: 200, ok: true, modified: true, error: `registered ${n} functions` });
    } catch (err) {
      return send(res, 400, { status: 400, error: `invalid registration: ${(err as Error).message}` });
    }
  }
  const checkpointMatch = /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(path);
  if (checkpointMatch && req.method === "POST") {
    if (!authorized(engine, req, res)) return;
    const raw = await readBody(req, CHECKPOINT_BYTES);
    if (raw === null)
      return send(res, 413, { status: 413, error: `request body is larger than ${CHECKPOINT_BYTES} bytes` });
    let parsed;
    try {
      parsed = checkpointBody.safeParse(JSON.parse(raw));
    } catch {
      return send(res, 400, { status: 400, error: "request body is not valid JSON" });
    }
    if (!parsed.success)
      return send(res, 400, { status: 400, error: `invalid checkpoint: ${parsed.error.issues[0]?.message}` });
    const outcome = await applyCheckpoint(engine, decodeURIComponent(checkpointMatch[1]!), parsed.data);
    if (outcome === "stale")
      return send(res, 409, { status: 409, error: "this call is no longer the run's call in flight" });
    return send(res, 200, { status: 200 });
  }
  if (path.startsWith("/v1/checkpoint")) {
    engine.logger.error(
      `[inngest-runner] the SDK called ${req.method} ${path}; only async checkpoints are supported by the embedded runner`,
    );
    return send(res, 501, { error: "only async checkpoints are supported by the embedded Inngest runner" });
  }
  return send(res, 404, { error: `no route ${req.method} ${path} in the embedded Inngest runner`, status: 404 });
}

/** Calls from the SDK's API client carry the hashed signing key; without a key (dev mode) anyone on loopback may call. */
function authorized(engine: Engine, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!engine.signingKey) return true;
  const auth = req.headers.authorization ?? "";
  if (auth === `Bearer ${hashSigningKey(engine.signingKey)}`) return true;
  send(res, 401, {
    status: 401,
    error: auth ? "the signing key in Authorization does not match the runner's" : "missing Authorization header",
  });
  return false;
}
