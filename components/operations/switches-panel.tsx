"use client";

import { useState, useTransition } from "react";
import { setSwitchAction } from "@/app/(console)/admin/operations/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import type { SystemSwitchKey } from "@/db/schema";

type SwitchView = { key: SystemSwitchKey; enabled: boolean; reason: string | null; changedAt: string | null };

const COPY: Record<
  SystemSwitchKey,
  { title: string; off: string; on: string; turnOn: string; turnOff: string; placeholder: string }
> = {
  uploads_disabled: {
    title: "Uploads",
    off: "Uploads are allowed.",
    on: "Every new upload is refused with your reason.",
    turnOn: "Disable uploads",
    turnOff: "Enable uploads",
    placeholder: "e.g. Storage migration until 14:00 UTC",
  },
  generation_paused: {
    title: "Generation",
    off: "Generation runs.",
    on: "Every generation waits before its next call. Batches can still be queued; they show as waiting. Nothing is dropped.",
    turnOn: "Pause all generation",
    turnOff: "Resume generation",
    placeholder: "e.g. Provider incident, waiting for their all-clear",
  },
};

/** The installation-wide kill switches, each with the reason users see in the banner. */
export function SwitchesPanel({ switches }: { switches: SwitchView[] }) {
  return (
    <div className="divide-y divide-stone-100">
      {switches.map((s) => (
        <SwitchRow key={s.key} view={s} />
      ))}
    </div>
  );
}

function SwitchRow({ view }: { view: SwitchView }) {
  const copy = COPY[view.key];
  const [pending, startTransition] = useTransition();
  const [reason, setReason] = useState("");
  const [feedback, setFeedback] = useState<{ ok: boolean; message: string } | null>(null);
  const flip = (enabled: boolean) =>
    startTransition(async () => {
      const result = await setSwitchAction(view.key, enabled, enabled ? reason : undefined);
      if (!result.ok)
        return setFeedback({ ok: false, message: result.error.fields?.reason?.[0] ?? result.error.message });
      setReason("");
      setFeedback({ ok: true, message: result.message ?? "Done." });
    });
  return (
    <div className="space-y-2 py-3" data-testid={`switch-${view.key}`}>
      <div className="flex items-center gap-2">
        <h3 className="font-medium">{copy.title}</h3>
        {view.enabled ? <Badge tone="bad">off</Badge> : <Badge tone="good">on</Badge>}
      </div>
      <p className="text-sm text-stone-600">
        {view.enabled ? copy.on : copy.off}
        {view.enabled && view.reason && (
          <>
            {" "}
            Reason: <span className="font-medium">{view.reason}</span>
            {view.changedAt && <> (since {new Date(view.changedAt).toLocaleString()})</>}.
          </>
        )}
      </p>
      {view.enabled ? (
        <Button variant="secondary" disabled={pending} onClick={() => flip(false)}>
          {copy.turnOff}
        </Button>
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          <label className="w-full text-xs font-medium text-stone-600" htmlFor={`reason-${view.key}`}>
            Reason shown to users
          </label>
          <div className="w-96 max-w-full">
            <Input
              id={`reason-${view.key}`}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder={copy.placeholder}
              maxLength={300}
            />
          </div>
          <Button variant="danger" disabled={pending} onClick={() => flip(true)}>
            {copy.turnOn}
          </Button>
        </div>
      )}
      {feedback && <Alert tone={feedback.ok ? "success" : "error"}>{feedback.message}</Alert>}
    </div>
  );
}
