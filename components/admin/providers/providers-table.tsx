"use client";

import { Fragment, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Table } from "@/components/ui/table";
import { ProviderActions } from "./provider-actions";
import { ProviderForm } from "./provider-form";
import { CAPABILITY_LABELS, type KindHint, type PresetOption, type ProviderRow } from "./types";

export function ProvidersTable({
  providers,
  presets,
  kinds,
}: {
  providers: ProviderRow[];
  presets: PresetOption[];
  kinds: KindHint[];
}) {
  const [editing, setEditing] = useState<string | null>(null);
  if (providers.length === 0) {
    return (
      <p className="text-sm text-stone-500">
        No GPU endpoints yet. Add one, or start Kiln with KILN_SIMULATOR_PORT set to get the built-in simulator.
      </p>
    );
  }
  return (
    <Table columns={["Endpoint", "Kind", "Limits", "State", "Queued", { label: "Actions", srOnly: true }]}>
      {providers.map((p) => {
        const kind = kinds.find((k) => k.kind === p.kind);
        return (
          <Fragment key={p.id}>
            <tr data-testid={`provider-row-${p.slug}`} className={p.paused ? "bg-amber-50/40" : ""}>
              <td className="py-3 pr-3">
                <div className="flex items-center gap-2 font-medium text-stone-900">
                  {p.name}
                  {p.isSimulator && (
                    <span data-testid="provider-simulator-badge">
                      <Badge tone="accent">simulator</Badge>
                    </span>
                  )}
                </div>
                <div className="break-all font-mono text-xs text-stone-500">{p.baseUrl}</div>
                <div className="text-xs text-stone-500">
                  {p.hasSecret ? `API key set${p.secretLast4 ? ` (…${p.secretLast4})` : ""}` : "no API key"}
                  {p.allowPrivate ? " · private network allowed" : ""}
                </div>
              </td>
              <td className="py-3 pr-3">
                <div className="text-stone-800">{kind?.label ?? p.kind}</div>
                <div className="mt-1 flex flex-wrap gap-1" data-testid={`provider-capabilities-${p.slug}`}>
                  {(kind?.capabilities ?? []).map((c) => (
                    <Badge key={c}>{CAPABILITY_LABELS[c] ?? c}</Badge>
                  ))}
                </div>
              </td>
              <td className="py-3 pr-3 text-xs text-stone-600">
                <div data-testid={`provider-concurrency-${p.slug}`}>
                  {p.concurrencyLimit} {p.concurrencyLimit === 1 ? "call" : "calls"} at once
                </div>
                <div>timeout {p.timeoutMs / 1000}s</div>
              </td>
              <td className="py-3 pr-3" data-testid={`provider-status-${p.slug}`}>
                {p.paused ? <Badge tone="warn">paused</Badge> : <Badge tone="good">active</Badge>}
                {p.paused && (
                  <div className="mt-1 max-w-56 text-xs text-stone-600">
                    {p.pausedReason}
                    {p.pausedSince && (
                      <div className="text-stone-500">since {new Date(p.pausedSince).toLocaleString()}</div>
                    )}
                  </div>
                )}
              </td>
              <td className="py-3 pr-3 tabular-nums" data-testid={`provider-queued-${p.slug}`}>
                {p.queuedCount}
              </td>
              <td className="py-3 text-right">
                <ProviderActions
                  provider={p}
                  presets={presets}
                  onEdit={() => setEditing(editing === p.id ? null : p.id)}
                />
              </td>
            </tr>
            {editing === p.id && (
              <tr>
                <td colSpan={6} className="bg-stone-50 px-4 py-4">
                  <div className="max-w-xl">
                    <ProviderForm kinds={kinds} provider={p} onDone={() => setEditing(null)} />
                  </div>
                </td>
              </tr>
            )}
          </Fragment>
        );
      })}
    </Table>
  );
}
