import { signBody } from "./runner/signing";
import { logger } from "@/lib/observability/logger";

/**
 * Wraps the SDK's serve() handlers so no answer of /api/inngest carries a stack trace or an
 * absolute path. The SDK serializes every error with its stack (step errors in 206 ops, function
 * errors, its own internal errors), and the engine stores and shows what it gets. A cleaned
 * answer is signed again with the same key, because the engine verifies the signature.
 */
type Handler<Req> = (req: Req, ...rest: never[]) => Promise<Response>;

const SIGNATURE = "x-inngest-signature";

export function guardServe<Req>(
  handlers: Record<"GET" | "POST" | "PUT", Handler<Req>>,
  opts: { signingKey?: string },
): Record<"GET" | "POST" | "PUT", Handler<Req>> {
  const wrap =
    (handler: Handler<Req>): Handler<Req> =>
    async (req, ...rest) => {
      let res: Response;
      try {
        res = await handler(req, ...rest);
      } catch (err) {
        logger.error({ err }, "inngest: /api/inngest failed");
        return Response.json({ error: "internal error in the Inngest route; see the server log" }, { status: 500 });
      }
      if (!(res.headers.get("content-type") ?? "").includes("json") || !res.body) return res;
      const text = await res.text();
      const cleaned = cleanBody(text, res.status);
      const headers = new Headers(res.headers);
      if (cleaned !== text) {
        headers.delete("content-length");
        if (headers.has(SIGNATURE) && opts.signingKey) headers.set(SIGNATURE, signBody(cleaned, opts.signingKey));
      }
      return new Response(cleaned, { status: res.status, statusText: res.statusText, headers });
    };
  return { GET: wrap(handlers.GET), POST: wrap(handlers.POST), PUT: wrap(handlers.PUT) };
}

/**
 * Cleans the error objects of an answer, and nothing else: step outputs (a 200 body, an op's
 * `data`) are the function's own values and must reach the engine byte for byte.
 */
export function cleanBody(text: string, status: number): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  let changed = false;
  const cleanError = (err: unknown, depth = 0): void => {
    if (!err || typeof err !== "object" || depth > 5) return;
    const e = err as Record<string, unknown>;
    if (typeof e.stack === "string" && e.stack !== "") {
      e.stack = ""; // the SDK's serialized errors require the field, so keep it, empty
      changed = true;
    }
    for (const key of ["message", "error"]) {
      if (typeof e[key] === "string") {
        const scrubbed = scrubPaths(e[key] as string);
        if (scrubbed !== e[key]) {
          e[key] = scrubbed;
          changed = true;
        }
      }
    }
    if (e.cause) cleanError(e.cause, depth + 1);
    if (e.error && typeof e.error === "object") cleanError(e.error, depth + 1);
  };
  if (Array.isArray(json)) {
    // 206: planned or executed ops; only an op's error is an error.
    for (const op of json)
      if (op && typeof op === "object" && "error" in op) cleanError((op as { error: unknown }).error);
  } else if (status >= 300 && json && typeof json === "object") {
    cleanError(json);
  }
  return changed ? JSON.stringify(json) : text;
}

// An absolute POSIX path (two segments or more, not part of a URL) or a Windows one.
const POSIX_PATH = /(?:file:\/\/)?(?<![\w.:/@-])\/(?:[^\s'"`()[\]{}<>,;:]+\/)+[^\s'"`()[\]{}<>,;:]*/g;
const WINDOWS_PATH = /\b[A-Za-z]:\\[^\s'"`]+/g;

export function scrubPaths(text: string): string {
  return text.replace(POSIX_PATH, "<path>").replace(WINDOWS_PATH, "<path>");
}
