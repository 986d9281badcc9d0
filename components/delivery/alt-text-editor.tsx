"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { AltTextView } from "@/lib/alt-text/view";
import { useConfirm } from "@/components/ui/use-confirm";

const GUIDANCE =
  "Describe what matters for someone who cannot see it: the subject, what it is doing, the setting, any words in the picture. Don't start with “image of” or “picture of”.";

function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

export function AltTextStatusBadge({ view }: { view: AltTextView }) {
  switch (view.status) {
    case "drafting":
      return <Badge tone="accent">Drafting…</Badge>;
    case "draft":
      return <Badge tone="warn">Draft — needs a person</Badge>;
    case "confirmed":
      return (
        <Badge tone="good">
          Confirmed{view.confirmedBy ? ` by ${view.confirmedBy}` : ""}
          {view.confirmedAt ? ` on ${formatDate(view.confirmedAt)}` : ""}
        </Badge>
      );
    default:
      return <Badge tone="neutral">Missing</Badge>;
  }
}

/**
 * The alt text of one asset: its status, the text a person edits (with a counter and guidance),
 * "Draft with <engine>", "Save draft" and "Confirm alt text". While drafting it polls until the draft lands.
 */
export function AltTextEditor({
  assetId,
  initial,
  compact = false,
}: {
  assetId: string;
  initial?: AltTextView;
  compact?: boolean;
}) {
  const client = useQueryClient();
  const key = ["alt-text", assetId];
  const query = useQuery({
    queryKey: key,
    queryFn: () => api<AltTextView>(`/api/assets/${assetId}/alt-text`),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.status === "drafting" ? 1000 : false),
  });
  const view = query.data;
  const [text, setText] = useState("");
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<null | "draft" | "save" | "confirm">(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const fieldId = useId();
  const [ask, askDialog] = useConfirm();

  // Until this person types, the field shows the server's text: a draft that lands (or another person's
  // save) shows at once. From the moment the field has focus, the text it shows then (read from the field
  // itself, not from a render's closure) is held until the person types or leaves: text that changes under
  // the caret between a click and the first keystroke mixes with what is typed ("typed text" + "draft",
  // seen three times in the delivery journey under load). A draft that lands meanwhile is offered beside the
  // field ("Use the draft"). The field stays enabled while a draft is being made: disabling it blurred it,
  // which let the draft in under a caret the browser kept; a person who writes their own text wins (the
  // server discards a draft that lands after a person saved).
  const [held, setHeld] = useState<string | null>(null);
  const serverText = view?.text ?? "";
  const shown = dirty ? text : (held ?? serverText);

  if (!view)
    return (
      <p className="text-sm text-stone-500">{query.isError ? "Alt text could not be loaded." : "Loading alt text…"}</p>
    );

  const run = async (what: "draft" | "save" | "confirm", call: () => Promise<AltTextView>, done: string) => {
    setBusy(what);
    setMessage(null);
    try {
      const next = await call();
      client.setQueryData(key, next);
      if (what !== "draft") setDirty(false);
      setHeld(null);
      // A draft request's news is the status badge ("Drafting…", then "Draft — needs a person").
      setMessage(what === "draft" ? null : { ok: true, text: done });
    } catch (error) {
      setMessage({
        ok: false,
        text: error instanceof RequestError ? error.message : "Something went wrong. Try again.",
      });
    } finally {
      setBusy(null);
    }
  };

  const draft = async () => {
    const overwrite = view.status === "confirmed";
    if (
      overwrite &&
      !(await ask({
        title: "Replace the confirmed alt text with a new draft?",
        body: "A person will need to confirm it again.",
        confirmLabel: "Replace with a draft",
      }))
    )
      return;
    if (
      !overwrite &&
      dirty &&
      !(await ask({ title: "Replace the text you have not saved with a new draft?", confirmLabel: "Replace" }))
    )
      return;
    setDirty(false);
    setHeld(null);
    void run(
      "draft",
      () =>
        api<AltTextView>(`/api/assets/${assetId}/alt-text/draft`, { json: { overwrite, key: crypto.randomUUID() } }),
      "",
    );
  };
  const save = (confirm: boolean) =>
    run(
      confirm ? "confirm" : "save",
      () => api<AltTextView>(`/api/assets/${assetId}/alt-text`, { method: "PUT", json: { text: shown, confirm } }),
      confirm ? "Alt text confirmed." : "Draft saved.",
    );

  const drafting = view.status === "drafting";
  // The field holds what it showed at focus and the server has newer text (a draft landed meanwhile).
  const draftWaiting = !dirty && held !== null && held !== serverText && serverText !== "";
  const length = shown.trim().length;
  return (
    <div className="space-y-3" data-testid="alt-text-card" data-status={view.status}>
      {askDialog}
      <div className="flex flex-wrap items-center gap-2" data-testid="alt-text-status">
        <AltTextStatusBadge view={view} />
        {view.sourceLabel && !drafting && (
          <span className="text-xs text-stone-500">
            {view.sourceLabel === "a person" ? "Written by a person" : `Drafted by ${view.sourceLabel}`}
          </span>
        )}
      </div>
      {view.lastError && <Alert tone="error">The last draft failed: {view.lastError}</Alert>}
      {view.bannedTerms.length > 0 && (
        <Alert tone="error">
          This text contains a banned term ({view.bannedTerms.join(", ")}); reword it before confirming.
        </Alert>
      )}
      {view.canEdit ? (
        <>
          <div>
            <div className="mb-1 flex items-baseline justify-between">
              <label htmlFor={fieldId} className="text-sm font-medium text-stone-700">
                Alt text
              </label>
              <span
                className={`text-xs tabular-nums ${length > view.maxLength ? "text-red-700" : "text-stone-500"}`}
                data-testid="alt-text-count"
              >
                {length} / {view.maxLength}
              </span>
            </div>
            <textarea
              id={fieldId}
              rows={compact ? 2 : 3}
              maxLength={view.maxLength}
              value={shown}
              onFocus={(e) => {
                if (!dirty) setHeld(e.currentTarget.value);
              }}
              onBlur={() => {
                if (!dirty) setHeld(null);
              }}
              onChange={(e) => {
                setText(e.target.value);
                setDirty(true);
              }}
              aria-describedby={`${fieldId}-help`}
              placeholder={
                drafting
                  ? "Drafting… or write your own"
                  : "e.g. A white ceramic mug of coffee on a wooden table beside an open notebook."
              }
              className="w-full rounded-md border border-stone-300 px-2 py-1 text-sm"
            />
            {draftWaiting && (
              <p className="mt-1 flex items-center gap-2 text-xs text-stone-600" data-testid="alt-text-waiting">
                A new draft is ready.
                <button
                  type="button"
                  className="font-medium text-stone-900 underline"
                  // Keeps the focus in the field, so the draft shows where the person is writing.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => setHeld(null)}
                >
                  Use the draft
                </button>
              </p>
            )}
            {!compact && (
              <p id={`${fieldId}-help`} className="mt-1 text-xs text-stone-500">
                {GUIDANCE}
              </p>
            )}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {view.engine && (
              <Button type="button" variant="secondary" disabled={busy !== null || drafting} onClick={draft}>
                {drafting ? "Drafting…" : `Draft with ${view.engine}`}
              </Button>
            )}
            <Button
              type="button"
              variant="secondary"
              disabled={busy !== null || !dirty}
              onClick={() => void save(false)}
            >
              Save draft
            </Button>
            <Button
              type="button"
              disabled={busy !== null || length === 0 || (!dirty && (drafting || view.status === "confirmed"))}
              onClick={() => void save(true)}
            >
              Confirm alt text
            </Button>
          </div>
          {message && !drafting && <Alert tone={message.ok ? "success" : "error"}>{message.text}</Alert>}
        </>
      ) : (
        <p className="text-sm text-stone-700">{view.text || "No alt text yet."}</p>
      )}
    </div>
  );
}
