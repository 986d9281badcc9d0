import { checkReadiness } from "@/lib/system/readiness";

/** Readiness: 200 when the database, the blob store and the engine answer, else 503 with which one did not. */
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const readiness = await checkReadiness();
  return Response.json(
    { status: readiness.ready ? "ready" : readiness.draining ? "stopping" : "not_ready", checks: readiness.checks },
    { status: readiness.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
