"use client";

import { useQuery } from "@tanstack/react-query";
import { Fragment, useEffect, useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table } from "@/components/ui/table";
import type { DeliveryView } from "@/lib/webhooks/deliveries";

const TONE = { pending: "neutral", retrying: "warn", succeeded: "good", failed: "bad" } as const;

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** The endpoint's deliveries (refreshed while any is still pending or retrying), each with its attempts and a Redeliver button. */
export function DeliveryLog({ endpointId, refreshKey }: { endpointId: string; refreshKey: number }) {
  const q = useQuery({
    queryKey: ["webhook-deliveries", endpointId],
    queryFn: () =>
      api<{ deliveries: DeliveryView[] }>(`/api/webhooks/${endpointId}/deliveries`).then((r) => r.deliveries),
    refetchInterval: (query) =>
      query.state.data?.some((d) => d.status === "pending" || d.status === "retrying") ? 1500 : false,
  });
  const { refetch } = q;
  useEffect(() => {
    if (refreshKey > 0) void refetch();
  }, [refreshKey, refetch]);
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function redeliver(id: string) {
    setBusy(id);
    setError(null);
    try {
      await api(`/api/webhooks/deliveries/${id}/redeliver`, { method: "POST", json: {} });
      await refetch();
      setOpen(id);
    } catch (err) {
      setError(err instanceof RequestError ? err.error.message : "Could not redeliver.");
    } finally {
      setBusy(null);
    }
  }

  if (!q.data) return <p className="text-sm text-stone-500">Loading deliveries…</p>;
  if (q.data.length === 0)
    return <p className="text-sm text-stone-500">No deliveries yet. Send a test event to try the endpoint.</p>;
  return (
    <div data-testid="delivery-log">
      <h3 className="mb-2 text-sm font-semibold text-stone-800">Delivery log</h3>
      {error && <p className="mb-2 text-sm text-red-700">{error}</p>}
      <Table columns={["Event", "Status", "Attempts", "Last code", "Time", { label: "Actions", srOnly: true }]}>
        {q.data.map((d) => (
          <Fragment key={d.id}>
            <tr data-testid="delivery-row">
              <td className="py-2 pr-3">
                <code className="font-mono text-xs">{d.eventType}</code>
                <span className="block font-mono text-[11px] text-stone-500">{d.messageId}</span>
              </td>
              <td className="py-2 pr-3">
                <Badge tone={TONE[d.status]}>{d.status}</Badge>
              </td>
              <td className="py-2 pr-3">{d.attempts}</td>
              <td className="py-2 pr-3" data-testid="last-code">
                {d.lastStatusCode ?? (d.lastError ? "—" : "")}
              </td>
              <td className="py-2 pr-3 text-xs text-stone-600">{when(d.createdAt)}</td>
              <td className="flex gap-2 py-2 pr-3">
                <Button
                  variant="ghost"
                  aria-expanded={open === d.id}
                  onClick={() => setOpen(open === d.id ? null : d.id)}
                >
                  {open === d.id ? "Hide attempts" : "Attempts"}
                </Button>
                <Button variant="secondary" disabled={busy === d.id} onClick={() => void redeliver(d.id)}>
                  {busy === d.id ? "Sending…" : "Redeliver"}
                </Button>
              </td>
            </tr>
            {open === d.id && (
              <tr>
                <td colSpan={6} className="bg-stone-50 px-3 py-2">
                  {d.nextAttemptAt && d.status === "retrying" && (
                    <p className="mb-1 text-xs text-stone-600">Next attempt {when(d.nextAttemptAt)}.</p>
                  )}
                  <ol className="space-y-2 text-xs" data-testid="attempt-log">
                    {d.attemptLog.map((a) => (
                      <li key={`${a.attempt}-${a.at}`}>
                        <span className="font-medium">
                          #{a.attempt} {a.manual ? "(redelivered by hand)" : ""}
                        </span>{" "}
                        · {when(a.at)} · {a.statusCode !== null ? `HTTP ${a.statusCode}` : a.error} · {a.durationMs} ms
                        {a.responseSnippet && (
                          <pre className="mt-1 max-h-32 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-[11px] text-stone-700">
                            {a.responseSnippet}
                          </pre>
                        )}
                      </li>
                    ))}
                  </ol>
                  <details className="mt-2 text-xs">
                    <summary className="cursor-pointer text-stone-600">Payload</summary>
                    <pre className="mt-1 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-[11px]">
                      {JSON.stringify(d.payload, null, 2)}
                    </pre>
                  </details>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </Table>
    </div>
  );
}
