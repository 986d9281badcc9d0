/**
 * A CSV file download: the headers every CSV route sends (attachment, never cached, no sniffing),
 * plus any of the route's own.
 */
export function csvDownload(body: BodyInit, filename: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      ...extraHeaders,
    },
  });
}
