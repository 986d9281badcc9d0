"use client";

import { useState, useTransition } from "react";
import { setFallbackAction } from "@/app/(console)/admin/operations/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Select } from "@/components/ui/field";
import type { EndpointHealthView } from "@/lib/operations/overview";
import type { FallbackPreset } from "@/lib/providers/admin-list";

const TONE = { healthy: "good", degraded: "warn", unhealthy: "bad" } as const;

/** Health of each endpoint (probe every minute + recent error rate) and the preset its work fails over to. */
export function EndpointHealthTable({
  endpoints,
  presets,
}: {
  endpoints: EndpointHealthView[];
  presets: FallbackPreset[];
}) {
  const [pending, startTransition] = useTransition();
  const [feedback, setFeedback] = useState<{ ok: boolean; message: string } | null>(null);
  const choose = (providerId: string, presetId: string) =>
    startTransition(async () => {
      const result = await setFallbackAction(providerId, presetId || null);
      setFeedback(
        result.ok ? { ok: true, message: result.message ?? "Saved." } : { ok: false, message: result.error.message },
      );
    });
  return (
    <div className="space-y-3">
      {feedback && <Alert tone={feedback.ok ? "success" : "error"}>{feedback.message}</Alert>}
      <table className="w-full text-left text-sm" data-testid="endpoint-health">
        <thead className="text-xs uppercase tracking-wide text-stone-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Endpoint</th>
            <th className="py-2 pr-4 font-medium">Health</th>
            <th className="py-2 font-medium">Fallback preset (failover)</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {endpoints.map((e) => (
            <tr key={e.id} className="align-top">
              <td className="py-2 pr-4 font-medium">{e.name}</td>
              <td className="py-2 pr-4">
                <div className="flex flex-wrap items-center gap-1">
                  {e.paused ? <Badge tone="warn">paused</Badge> : <Badge tone={TONE[e.state]}>{e.state}</Badge>}
                </div>
                <div className="mt-0.5 text-xs text-stone-500">
                  {e.paused ? (e.pausedReason ?? "") : (e.reason ?? "")}
                  {e.probedAt
                    ? `${e.reason || e.paused ? " · " : ""}checked ${new Date(e.probedAt).toLocaleTimeString()}`
                    : e.paused
                      ? ""
                      : "not checked yet"}
                </div>
              </td>
              <td className="py-2">
                <label className="sr-only" htmlFor={`fallback-${e.id}`}>
                  Fallback preset for {e.name}
                </label>
                <Select
                  id={`fallback-${e.id}`}
                  value={e.fallbackPresetId ?? ""}
                  disabled={pending}
                  onChange={(ev) => choose(e.id, ev.target.value)}
                >
                  <option value="">No failover</option>
                  {presets
                    .filter((p) => p.providerId !== e.id)
                    .map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name} ({p.tier}, on {p.providerName}
                        {p.providerPaused ? ", paused" : ""})
                      </option>
                    ))}
                </Select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {endpoints.length < 2 && (
        <p className="text-xs text-stone-500">
          Failover needs a second endpoint with a preset on it: add one on GPU endpoints.
        </p>
      )}
      <p className="text-xs text-stone-500">
        Only queued work of the fallback preset&apos;s tier moves; other tiers stay. Moved work stays moved when the
        endpoint recovers; new work goes to it again.
      </p>
    </div>
  );
}
