import { metricsResponse } from "@/lib/observability/metrics-endpoint";

/** Prometheus scrape endpoint, guarded by KILN_METRICS_TOKEN (lib/observability/metrics-endpoint.ts). */
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return metricsResponse(request);
}
