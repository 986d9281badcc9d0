/**
 * A tiny real HTTP server on 127.0.0.1:0 for adapter tests: routes are registered per test, every
 * request is recorded (method, path, query, headers, raw body) so tests can assert exactly what the
 * adapter sent, and handlers answer with the provider's documented payloads.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): Record<string, unknown>;
  /** Parses a multipart/form-data (or urlencoded) body with the platform's own parser. */
  form(): Promise<FormData>;
};

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;
type Route = { method: string; path: string | RegExp; handler: Handler };

export type FakeServer = {
  url: string;
  requests: RecordedRequest[];
  /** Later routes win over earlier ones for the same request. */
  route(method: string, path: string | RegExp, handler: Handler): void;
  /** Requests whose method and path match, in arrival order. */
  received(method: string, path: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
};

const matches = (route: { method: string; path: string | RegExp }, method: string, path: string) =>
  route.method === method && (typeof route.path === "string" ? route.path === path : route.path.test(path));

export async function startFakeServer(): Promise<FakeServer> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        json: () => JSON.parse(body.toString("utf8")) as Record<string, unknown>,
        form: () =>
          new Request("http://fake.local/", {
            method: "POST",
            headers: { "content-type": String(req.headers["content-type"] ?? "") },
            body: new Uint8Array(body),
          }).formData(),
      };
      requests.push(recorded);
      const route = [...routes].reverse().find((r) => matches(r, recorded.method, recorded.path));
      if (!route) return sendJson(res, 404, { detail: `no fake route for ${recorded.method} ${recorded.path}` });
      Promise.resolve(route.handler(recorded, res)).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 599, { detail: `fake handler threw: ${String(error)}` });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (method, path, handler) => void routes.push({ method, path, handler }),
    received: (method, path) => requests.filter((r) => matches({ method, path }, r.method, r.path)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export function sendBytes(
  res: ServerResponse,
  status: number,
  body: Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": contentType, "content-length": String(body.length), ...headers });
  res.end(body);
}

/** Never answers: for timeout and abort tests (the server's close() drops the socket). */
export const hang: Handler = () => {};

/** Answers each call with the next handler in the list; the last one repeats. */
export function sequence(...handlers: Handler[]): Handler {
  let i = 0;
  return (req, res) => {
    const handler = handlers[Math.min(i++, handlers.length - 1)];
    return handler?.(req, res);
  };
}

/** A valid 1×1 PNG, as image bytes a fake provider returns. */
export const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** Reads a multipart file part as bytes. */
export async function partBytes(form: FormData, name: string): Promise<Buffer | undefined> {
  const value = form.get(name);
  return value instanceof Blob ? Buffer.from(await value.arrayBuffer()) : undefined;
}
