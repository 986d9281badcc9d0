/**
 * Liveness: the process answers HTTP. It checks nothing else on purpose (a database outage must
 * not make an orchestrator restart every web process); /api/ready checks the dependencies.
 */
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
