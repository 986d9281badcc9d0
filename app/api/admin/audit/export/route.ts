import { exportAuditCsv } from "@/lib/audit/export";
import { csvDownload } from "@/lib/http/csv-response";
import { guardedRoute } from "@/lib/http/route";
import { logger } from "@/lib/observability/logger";

/**
 * The audit log as CSV (admins). Query: the audit page's filters, ?action=<prefix>&actorEmail=<email>.
 * Refusals and bad input answer with the usual JSON error before any CSV is sent; the rows then
 * stream a page at a time.
 */
export const GET = guardedRoute("audit.view", async (ctx, request) => {
  const input = Object.fromEntries(new URL(request.url).searchParams);
  const { filename, chunks, checkpoint } = await exportAuditCsv({ ctx, input });
  return csvDownload(toByteStream(chunks), filename, {
    // The newest signed checkpoint (seq=…; hash=…), or none yet.
    "X-Kiln-Audit-Checkpoint": checkpoint ? `seq=${checkpoint.seq}; hash=${checkpoint.hash}` : "none",
  });
});

/** Pulls one chunk per read, so a slow client slows the queries rather than filling memory. */
function toByteStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        // Headers are gone already: the best left is to end the download broken rather than complete-looking.
        logger.error({ err: error }, "audit export: failed while streaming");
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
