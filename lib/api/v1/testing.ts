/**
 * Test helpers for the /api/v1 generation routes: call a route handler as Next would, with a
 * bearer token, a JSON or multipart body and route params.
 */
type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export type CallOptions<P> = {
  token?: string;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  params?: P;
  method?: string;
};

export async function call<P = Record<string, string>>(handler: Handler<P>, path: string, opts: CallOptions<P> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers };
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
  return handler(new Request(`http://localhost:3000${path}`, { method, headers, body }), { params: Promise.resolve((opts.params ?? {}) as P) });
}

/** The error of an error answer. */
export async function errorOf(res: Response): Promise<{ code: string; message: string; field?: string }> {
  return ((await res.json()) as { error: { code: string; message: string; field?: string } }).error;
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
