/** Test helpers for /api/v1 route handlers: call one as Next.js would, read the error shape, walk pages, record engine sends. */

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export type CallOptions<P> = {
  token?: string | null;
  params?: P;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
};

/** Calls a route handler with a bearer token (none when token is null) at http://localhost:3000 + path. */
export function callRoute<P = Record<string, string>>(
  handler: Handler<P>,
  path: string,
  o: CallOptions<P> = {},
): Promise<Response> {
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
export async function walkPages<T extends { id: string }>(
  fetchPage: (cursor: string | null) => Promise<Response>,
): Promise<{ pages: T[][]; ids: string[] }> {
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

/** Options of call(): a JSON or multipart body (the generation routes' tests). */
export type BodyCallOptions<P> = {
  token?: string;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  params?: P;
  method?: string;
};

/** Calls a route handler with a bearer token and a JSON or multipart body (the boundary set as a client would). */
export async function call<P = Record<string, string>>(
  handler: Handler<P>,
  path: string,
  opts: BodyCallOptions<P> = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    ...opts.headers,
  };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    // Let Request serialise the form and set the multipart boundary, as a client would.
    const encoded = new Request("http://x/", { method: "POST", body: opts.form });
    headers["content-type"] = encoded.headers.get("content-type")!;
    body = await encoded.arrayBuffer();
  }
  const method = opts.method ?? (body === undefined ? "GET" : "POST");
  return handler(new Request(`http://localhost:3000${path}`, { method, headers, body }), {
    params: Promise.resolve((opts.params ?? {}) as P),
  });
}

/** Records what the routes would send to the background engine (no engine runs in these tests). */
export function recordingSender() {
  const sent = { queued: [] as string[], cancelled: [] as string[], requested: [] as string[] };
  return {
    sent,
    sender: {
      async batchQueued({ batchId }: { batchId: string }) {
        sent.queued.push(batchId);
      },
      async generationsRequested(items: { generationId: string }[]) {
        sent.requested.push(...items.map((i) => i.generationId));
      },
      async batchCancelled(batchId: string) {
        sent.cancelled.push(batchId);
      },
    },
  };
}

/** One recorder per test file: `vi.mock("@/inngest/send", async () => ({ generationSender: (await import("./testing")).testSender.sender }))`. */
export const testSender = recordingSender();
