import { randomUUID } from "node:crypto";
import { logger as processLogger, type Logger } from "./logger";

export const REQUEST_ID_HEADER = "x-request-id";

/**
 * A request id a proxy or client may hand us: short, and only characters that are safe in a log
 * line and a header (no spaces, quotes or control characters to forge log fields with).
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/;

/** The request's own x-request-id when it is a sane token (a proxy's, e.g. nginx $request_id), else a fresh one. */
export function requestIdOf(headers: Headers): string {
  const sent = headers.get(REQUEST_ID_HEADER)?.trim();
  return sent && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** The response with its x-request-id header; a response with immutable headers (Response.redirect) is copied. */
export function withRequestIdHeader(response: Response, requestId: string): Response {
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(REQUEST_ID_HEADER, requestId);
    return copy;
  }
}

/** What the wrapper learns while handling a request (who asked), for its log line. */
export type RequestLogEntry = { requestId: string; userId?: string; log: Logger };

/**
 * Runs a route handler with a request id: taken from the request or generated, returned as the
 * x-request-id response header, and on the one JSON log line written per request (method, route,
 * status, duration, user when known). The handler gets a child logger carrying the id.
 */
export async function withRequestLog(
  request: Request,
  handle: (entry: RequestLogEntry) => Promise<Response>,
  logger: Logger = processLogger,
): Promise<Response> {
  const started = performance.now();
  const requestId = requestIdOf(request.headers);
  const entry: RequestLogEntry = { requestId, log: logger.child({ requestId }) };
  let status = 500;
  try {
    const response = withRequestIdHeader(await handle(entry), requestId);
    status = response.status;
    return response;
  } finally {
    // The path without the query: a query string may carry tokens or personal data.
    const fields = {
      requestId,
      method: request.method,
      route: new URL(request.url).pathname,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(entry.userId ? { userId: entry.userId } : {}),
    };
    if (status >= 500) logger.error(fields, "request");
    else logger.info(fields, "request");
  }
}
