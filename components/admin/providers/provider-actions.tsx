"use client";

import { useState, useTransition } from "react";
import { moveQueuedWorkAction, setPausedAction, testProviderAction } from "@/app/(console)/admin/providers/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action-result";
import type { PresetOption, ProviderRow } from "./types";

type TestOutcome = { ok: boolean; message: string; latencyMs: number };

/** Per-endpoint controls: Pause (with a reason) / Resume, Test connection, Move queued work, Edit. */
export function ProviderActions({
  provider: p,
  presets,
  onEdit,
}: {
  provider: ProviderRow;
  presets: PresetOption[];
  onEdit: () => void;
}) {
  const [pending, startTransition] = useTransition();
  const [testing, startTest] = useTransition();
  const [mode, setMode] = useState<"pause" | "move" | null>(null);
  const [reason, setReason] = useState("");
  const [presetId, setPresetId] = useState("");
  const [test, setTest] = useState<TestOutcome | null>(null);
  const [feedback, setFeedback] = useState<{ ok: boolean; message: string } | null>(null);
  // Only presets on another, running endpoint can take over this one's work.
  const fallbacks = presets.filter((x) => x.providerId !== p.id);

  const run = <T,>(call: () => Promise<ActionResult<T>>, after?: (data: T) => string | undefined) =>
    startTransition(async () => {
      const result = await call();
      if (!result.ok)
        return setFeedback({ ok: false, message: result.error.fields?.reason?.[0] ?? result.error.message });
      setMode(null);
      setFeedback({ ok: true, message: after?.(result.data) ?? result.message ?? "Done." });
    });

  const runTest = () =>
    startTest(async () => {
      setTest(null);
      const result = await testProviderAction(p.id);
      setTest(result.ok ? result.data : { ok: false, message: result.error.message, latencyMs: 0 });
    });

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap justify-end gap-1">
        {p.paused ? (
          <Button variant="secondary" disabled={pending} onClick={() => run(() => setPausedAction(p.id, false))}>
            Resume
          </Button>
        ) : (
          <Button variant="danger" disabled={pending} onClick={() => setMode(mode === "pause" ? null : "pause")}>
            Pause
          </Button>
        )}
        <Button variant="secondary" disabled={testing} onClick={runTest}>
          {testing ? "Testing…" : "Test connection"}
        </Button>
        {p.paused && (
          <Button variant="secondary" disabled={pending} onClick={() => setMode(mode === "move" ? null : "move")}>
            Move queued work…
          </Button>
        )}
        <Button variant="ghost" disabled={pending} onClick={onEdit}>
          Edit
        </Button>
      </div>

      {mode === "pause" && (
        <form
          className="flex w-full max-w-sm gap-2"
          aria-label={`Pause ${p.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            run(() => setPausedAction(p.id, true, reason));
          }}
        >
          <Input
            name="reason"
            aria-label={`Reason for pausing ${p.name}`}
            placeholder="Why? Designers see this."
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={500}
          />
          <Button type="submit" variant="danger" disabled={pending}>
            Pause endpoint
          </Button>
        </form>
      )}

      {mode === "move" && (
        <form
          className="w-full max-w-sm space-y-2 text-left"
          aria-label={`Move queued work of ${p.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            run(
              () => moveQueuedWorkAction(p.id, presetId),
              (d) => d.message,
            );
          }}
        >
          <Select
            aria-label={`Fallback preset for ${p.name}`}
            value={presetId}
            onChange={(e) => setPresetId(e.target.value)}
          >
            <option value="">Pick a fallback preset…</option>
            {fallbacks.map((x) => (
              <option key={x.id} value={x.id} disabled={x.providerPaused}>
                {x.name} ({x.tier}, v{x.version}) — on {x.providerName}
                {x.providerPaused ? " (paused)" : ""}
              </option>
            ))}
          </Select>
          <p className="text-xs text-stone-500">
            Queued generations of the preset&apos;s tier move to its active version and start there; other tiers keep
            waiting.
          </p>
          <Button type="submit" disabled={pending || !presetId}>
            Move queued work
          </Button>
        </form>
      )}

      {test && (
        <div
          className="w-full max-w-sm text-left"
          data-testid={`provider-test-result-${p.slug}`}
          data-ok={test.ok ? "true" : "false"}
        >
          <Alert tone={test.ok ? "success" : "error"}>
            {test.message}
            {test.latencyMs > 0 && <span className="ml-1 text-xs opacity-75">({test.latencyMs} ms)</span>}
          </Alert>
        </div>
      )}
      {feedback && (
        <div className="w-full max-w-sm text-left" data-testid={`provider-feedback-${p.slug}`}>
          <Alert tone={feedback.ok ? "success" : "error"}>{feedback.message}</Alert>
        </div>
      )}
    </div>
  );
}
