import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { AutoRefresh } from "@/components/runs/auto-refresh";
import { STATUS_TONE, formatDuration, formatTime } from "@/components/runs/format";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { requirePageCtx } from "@/lib/auth/guard";
import { RUN_STATUSES, listRunsForAdmin } from "@/lib/runs/runs";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage({
  searchParams,
}: {
  searchParams: Promise<{ status?: string; before?: string }>;
}) {
  const ctx = await requirePageCtx("runs.manage");
  const params = await searchParams;
  const runs = await listRunsForAdmin({ ctx, input: { status: params.status || undefined, before: params.before } });
  const live = runs.some((r) => r.status === "running" || r.status === "queued");
  return (
    <>
      <PageHeader
        title="Runs"
        description="Background functions run by the embedded Inngest runner: newest first. Open a run for its steps, output and errors."
      />
      {live && <AutoRefresh everyMs={2000} />}
      <Card
        title={params.status ? `${params.status} runs` : "All runs"}
        actions={
          <nav aria-label="Filter runs by status" className="flex flex-wrap gap-1 text-sm">
            {["", ...RUN_STATUSES].map((s) => (
              <Link
                key={s || "all"}
                href={s ? `/admin/runs?status=${s}` : "/admin/runs"}
                aria-current={(params.status ?? "") === s ? "page" : undefined}
                className="rounded-md px-2 py-1 text-stone-600 hover:bg-stone-100 aria-[current=page]:bg-kiln-50 aria-[current=page]:text-kiln-700"
              >
                {s || "all"}
              </Link>
            ))}
          </nav>
        }
      >
        {runs.length === 0 ? (
          <p className="text-sm text-stone-500">
            No runs yet. Runs appear here when background work starts — for example, when a designer uploads an image.
          </p>
        ) : (
          <Table columns={["Function", "Status", "Event", "Started", "Duration", "Attempts"]}>
            {runs.map((r) => (
              <tr key={r.id} data-testid="run-row">
                <td className="py-2 pr-3">
                  <Link
                    href={`/admin/runs/${encodeURIComponent(r.id)}`}
                    className="font-medium text-kiln-700 hover:underline"
                  >
                    {r.functionName}
                  </Link>
                  {r.replayOf && <span className="ml-2 text-xs text-stone-500">replay</span>}
                </td>
                <td className="py-2 pr-3">
                  <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
                </td>
                <td className="py-2 pr-3 font-mono text-xs">{r.eventName}</td>
                <td className="py-2 pr-3 text-stone-600">{formatTime(r.startedAt ?? r.createdAt)}</td>
                <td className="py-2 pr-3 tabular-nums">{formatDuration(r.durationMs)}</td>
                <td className="py-2 tabular-nums">{r.attempts}</td>
              </tr>
            ))}
          </Table>
        )}
        {runs.length === 50 && (
          <Link
            className="mt-4 inline-block text-sm font-medium text-kiln-700 hover:underline"
            href={`/admin/runs?before=${runs.at(-1)!.createdAt}${params.status ? `&status=${params.status}` : ""}`}
          >
            Older runs →
          </Link>
        )}
      </Card>
    </>
  );
}
