/** Test helpers for /api/v1 route handlers: call one as Next.js would, read the error shape. */

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export type CallOptions<P> = {
  token?: string | null;
  params?: P;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
};

/** Calls a route handler with a bearer token (none when token is null) at http://localhost:3000 + path. */
export function callRoute<P = Record<string, string>>(handler: Handler<P>, path: string, o: CallOptions<P> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers };
  if (o.body !== undefined) headers["content-type"] ??= "application/json";
  const request = new Request(`http://localhost:3000${path}`, {
    method: o.method ?? (o.body !== undefined ? "POST" : "GET"),
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  return handler(request, { params: Promise.resolve((o.params ?? {}) as P) });
}

export type ApiErrorShape = { code: string; message: string; field?: string };

export async function errorOf(res: Response): Promise<ApiErrorShape> {
  const body = (await res.json()) as { error: ApiErrorShape };
  return body.error;
}

/** Every page of a list, following next_cursor; fails the test if a page repeats an id. */
export async function walkPages<T extends { id: string }>(fetchPage: (cursor: string | null) => Promise<Response>): Promise<{ pages: T[][]; ids: string[] }> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const res = await fetchPage(cursor);
    if (res.status !== 200) throw new Error(`page ${i + 1} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { object: string; data: T[]; has_more: boolean; next_cursor: string | null };
    if (body.object !== "list") throw new Error("not a list");
    pages.push(body.data);
    if (!body.has_more) {
      if (body.next_cursor !== null) throw new Error("next_cursor on the last page");
      break;
    }
    cursor = body.next_cursor;
  }
  const ids = pages.flat().map((x) => x.id);
  if (new Set(ids).size !== ids.length) throw new Error(`a row appeared on two pages: ${ids.join(", ")}`);
  return { pages, ids };
}
