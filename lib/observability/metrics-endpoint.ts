import { createHash, timingSafeEqual } from "node:crypto";
import { getDatabase } from "@/db";
import { env } from "@/lib/env";
import { renderMetrics } from "./metrics";

export type ScrapeAccess = "off" | "denied" | "allowed";

/**
 * Who may scrape: only a caller presenting KILN_METRICS_TOKEN as a Bearer token — never a
 * session, so no signed-in browser and no other site can read the figures through a user. No
 * token configured means the endpoint is off. The comparison runs in constant time over hashes of
 * both values (equal lengths whatever was sent), so timing tells nothing about the token.
 */
export function scrapeAccess(authorization: string | null, token: string | undefined): ScrapeAccess {
  if (!token) return "off";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const sent = createHash("sha256")
    .update(match?.[1] ?? "")
    .digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(sent, expected) && match ? "allowed" : "denied";
}

const NO_STORE = { "Cache-Control": "no-store" };

/** GET /api/metrics: 404 when off, 401 without the right token, else the Prometheus text. */
export async function metricsResponse(request: Request): Promise<Response> {
  const access = scrapeAccess(request.headers.get("authorization"), env().KILN_METRICS_TOKEN);
  if (access === "off")
    return new Response("Not found\n", {
      status: 404,
      headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" },
    });
  if (access === "denied") {
    return new Response("Unauthorized: send the metrics token as Authorization: Bearer <KILN_METRICS_TOKEN>\n", {
      status: 401,
      headers: {
        ...NO_STORE,
        "Content-Type": "text/plain; charset=utf-8",
        "WWW-Authenticate": 'Bearer realm="kiln-metrics"',
      },
    });
  }
  const { db } = await getDatabase();
  const { text, contentType } = await renderMetrics({ db });
  return new Response(text, { status: 200, headers: { ...NO_STORE, "Content-Type": contentType } });
}
