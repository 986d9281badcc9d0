import { exportCostCsv } from "@/lib/costs/report";
import { csvDownload } from "@/lib/http/csv-response";
import { guardedRoute } from "@/lib/http/route";

/**
 * One table of the Costs or Operations page as CSV. Query: ?table=<name> plus the page's filters
 * (from, to, campaign, teamId, userId, tier, presetId, model, providerId). The viewer's scope
 * applies as on the page; the operations tables need costs.operations; every export is audited.
 */
export const GET = guardedRoute("costs.view", async (ctx, request) => {
  const input = Object.fromEntries(new URL(request.url).searchParams);
  const { filename, csv } = await exportCostCsv({ ctx, input });
  return csvDownload(csv, filename);
});
