import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "inngest/node";
import { inngest } from "./client";
import { functions } from "./functions";
import { cleanBody } from "./serve-guard";
import { signBody } from "./runner/signing";

/**
 * The worker process's function server (KILN_ROLE=worker): the same functions as the Next.js route
 * /api/inngest, served with the SDK's Node handler on their own port, so background steps and the
 * CPU-heavy engines they call never share a process with the pages.
 *
 * Around the SDK handler: the same answer cleaning as serve-guard.ts (no stack traces or paths leave
 * the process, re-signed), a limit on calls running at once (more wait their turn here), and a drain
 * for graceful shutdown (new calls get 503 and the engine retries them elsewhere or later).
 */
export type FunctionServer = {
  url: string;
  server: Server;
  /** Calls being executed now. */
  inFlight(): number;
  /** Refuse new calls (503) and wait for those in flight until `deadline`; true when none is left. */
  drain(deadline: number): Promise<boolean>;
  close(): Promise<void>;
};

export const SERVE_PATH = "/api/inngest";

export async function startFunctionServer(opts: {
  host: string;
  port: number;
  signingKey: string | undefined;
  concurrency: number;
  log: { error(msg: string, err?: unknown): void };
}): Promise<FunctionServer> {
  const origin = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`;
  const handler = serve({
    client: inngest,
    functions,
    servePath: SERVE_PATH,
    serveOrigin: origin,
    enableUnauthedSync: false,
  });
  let running = 0;
  let draining = false;
  const waiting: Array<() => void> = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  const acquire = async () => {
    if (running >= opts.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health") {
      // Liveness for the supervisor, and how busy this worker is (calls running and waiting here).
      const body = JSON.stringify({ status: draining ? "stopping" : "ok", running, waiting: waiting.length });
      return void res
        .writeHead(draining ? 503 : 200, { "content-type": "application/json", "cache-control": "no-store" })
        .end(body);
    }
    if (path !== SERVE_PATH) return void res.writeHead(404).end();
    if (draining) {
      // Not an SDK answer, so the runner retries it without spending an attempt; Inngest retries 5xx.
      return void res
        .writeHead(503, { "retry-after": "1", "content-type": "text/plain" })
        .end("this worker is stopping");
    }
    void (async () => {
      await acquire();
      try {
        await guarded(handler, req, res, opts.signingKey);
      } catch (err) {
        opts.log.error("[kiln] worker: function call failed", err);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "internal error in the worker; see its log" }));
      } finally {
        release();
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}${SERVE_PATH}`;
  return {
    url,
    server,
    inFlight: () => running + waiting.length,
    async drain(deadline) {
      draining = true;
      while (running + waiting.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return running + waiting.length === 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Runs the SDK's Node handler with writeHead/end captured, so the answer can be cleaned (serve-guard's
 * cleanBody) and re-signed before it leaves, exactly as the Next.js route does with its Response.
 */
async function guarded(
  handler: ReturnType<typeof serve>,
  req: IncomingMessage,
  res: ServerResponse,
  signingKey: string | undefined,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let status = 200;
    let headers: Record<string, string> = {};
    const proxy = {
      headersSent: false,
      writeHead(code: number, h?: Record<string, string | string[]>) {
        status = code;
        headers = Object.fromEntries(
          Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : String(v)]),
        );
        return proxy;
      },
      write() {
        reject(new Error("the Inngest handler streamed its answer, which the worker does not support"));
        return false;
      },
      end(body?: string | Buffer) {
        let text = body === undefined ? "" : String(body);
        if ((headers["content-type"] ?? "").includes("json") && text) {
          const cleaned = cleanBody(text, status);
          if (cleaned !== text) {
            text = cleaned;
            if (headers["x-inngest-signature"] && signingKey)
              headers["x-inngest-signature"] = signBody(cleaned, signingKey);
          }
        }
        delete headers["content-length"];
        res.writeHead(status, headers);
        res.end(text, () => resolve());
        return proxy;
      },
      destroy(error?: Error) {
        res.destroy(error);
        reject(error ?? new Error("destroyed"));
      },
    };
    Promise.resolve(handler(req, proxy as unknown as ServerResponse)).catch(reject);
  });
}
