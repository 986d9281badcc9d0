"use client";

import { useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { EndpointView } from "@/lib/webhooks/endpoints";
import { DeliveryLog } from "./delivery-log";
import { SecretBox } from "./secret-box";
import type { EventOption } from "./webhooks-console";

/** One endpoint: its status and events, its secret on request, the actions, and its delivery log. */
export function EndpointCard({
  endpoint: e,
  onChanged,
}: {
  endpoint: EndpointView;
  eventTypes: EventOption[];
  onChanged: () => void;
}) {
  const [secret, setSecret] = useState<{ value: string; note?: string } | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success" | "info"; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [logKey, setLogKey] = useState(0);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setMessage(null);
    try {
      await action();
    } catch (err) {
      setMessage({
        tone: "error",
        text: err instanceof RequestError ? err.error.message : "Something went wrong; try again.",
      });
    } finally {
      setBusy(false);
    }
  }

  const base = `/api/webhooks/${e.id}`;
  const enabled = e.status === "enabled";
  return (
    <section
      className="rounded-lg border border-stone-200 bg-white shadow-sm"
      aria-label={`Webhook endpoint ${e.url}`}
      data-testid="webhook-endpoint"
    >
      <header className="flex flex-wrap items-start justify-between gap-4 border-b border-stone-100 px-5 py-4">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="break-all font-mono text-sm font-semibold text-stone-900">{e.url}</h2>
            <Badge tone={enabled ? "good" : "bad"}>{enabled ? "Enabled" : "Disabled"}</Badge>
            <Badge tone="neutral">{e.owner.kind === "team" ? `Team ${e.owner.teamName}` : "Mine"}</Badge>
            {e.consecutiveFailures > 0 && enabled && <Badge tone="warn">{e.consecutiveFailures} failed in a row</Badge>}
          </div>
          {e.description && <p className="mt-1 text-sm text-stone-600">{e.description}</p>}
          <p className="mt-1 text-xs text-stone-500">
            Events:{" "}
            {e.events.map((t) => (
              <code key={t} className="mr-1 font-mono">
                {t}
              </code>
            ))}
          </p>
          {e.disabledReason && <p className="mt-1 text-xs text-red-700">{e.disabledReason}</p>}
          {e.previousSecretExpiresAt && (
            <p className="mt-1 text-xs text-amber-700">
              The previous secret also signs until {new Date(e.previousSecretExpiresAt).toLocaleString()}.
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button
            variant="secondary"
            disabled={busy || !enabled}
            onClick={() =>
              run(async () => {
                await api(`${base}/test`, { method: "POST", json: {} });
                setMessage({ tone: "info", text: "Test event sent; it appears in the delivery log below." });
                setLogKey((k) => k + 1);
              })
            }
          >
            Send test event
          </Button>
          <Button
            variant="secondary"
            disabled={busy}
            onClick={() =>
              secret
                ? setSecret(null)
                : run(async () =>
                    setSecret({
                      value: (await api<{ secret: string }>(`${base}/secret`, { method: "POST", json: {} })).secret,
                    }),
                  )
            }
          >
            {secret ? "Hide secret" : "Reveal secret"}
          </Button>
          <Button
            variant="secondary"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const r = await api<{ secret: string; previousExpiresAt: string }>(`${base}/rotate`, {
                  method: "POST",
                  json: {},
                });
                setSecret({
                  value: r.secret,
                  note: `New secret. The old one keeps signing beside it until ${new Date(r.previousExpiresAt).toLocaleString()}.`,
                });
                onChanged();
              })
            }
          >
            Rotate secret
          </Button>
          <Button
            variant="secondary"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await api(base, { method: "PATCH", json: { enabled: !enabled } });
                onChanged();
              })
            }
          >
            {enabled ? "Disable" : "Enable"}
          </Button>
          {confirmDelete ? (
            <Button
              variant="danger"
              disabled={busy}
              onClick={() =>
                run(async () => {
                  await api(base, { method: "DELETE", json: {} });
                  onChanged();
                })
              }
            >
              Confirm delete
            </Button>
          ) : (
            <Button variant="danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
              Delete
            </Button>
          )}
        </div>
      </header>
      <div className="space-y-3 px-5 py-4">
        {message && <Alert tone={message.tone}>{message.text}</Alert>}
        {secret && (
          <div className="text-sm text-stone-700">
            <p>{secret.note ?? "Signing secret (verify the webhook-signature header with it):"}</p>
            <SecretBox secret={secret.value} />
          </div>
        )}
        <DeliveryLog endpointId={e.id} refreshKey={logKey} />
      </div>
    </section>
  );
}
