import { csvDownload } from "@/lib/http/csv-response";
import { guardedRoute } from "@/lib/http/route";
import { skippedRowsCsvFor } from "@/lib/generation/skipped-csv";

/** The rows of a batch's CSV that were not queued, as CSV: the file's columns, the line and the reason. */
export const GET = guardedRoute<{ id: string }>("batches.view", async (ctx, _request, { id }) => {
  const { filename, csv } = await skippedRowsCsvFor({ ctx, batchId: id });
  return csvDownload(csv, filename);
});
