"use client";

import { Check, CheckCheck, MessageSquareWarning, X } from "lucide-react";
import { useEffect, useRef } from "react";
import type { ShortcutGroup } from "@/components/ui/shortcuts";
import type { Decision } from "./use-review";

export type Mode =
  | { kind: "idle" }
  | { kind: "comment"; decision: Extract<Decision, "approve_with_changes" | "request_changes"> }
  | { kind: "reason" };

const KEYS: [string, string][] = [
  ["J / K", "next / previous"],
  ["A", "approve"],
  ["C", "approve with changes"],
  ["X", "request changes"],
  ["R", "reject (then 1–0 for the reason)"],
  ["U", "undo last"],
  ["Z", "zoom"],
];

/** The same keys for the `?` overlay, with the reason picker's. */
export const REVIEW_SHORTCUTS: ShortcutGroup = {
  title: "Review",
  keys: [...KEYS, ["1 – 0", "pick a reject reason (after R)"], ["Esc", "cancel a comment or the reason picker"]],
};

/** The decision controls under the image; every one has a key, shown beside it. */
export function DecisionBar({
  mode,
  reasons,
  busy,
  onDecide,
  onMode,
  comment,
  onComment,
}: {
  mode: Mode;
  reasons: { code: string; label: string }[];
  busy: boolean;
  onDecide: (decision: Decision, extra?: { reasonCode?: string; comment?: string }) => void;
  onMode: (m: Mode) => void;
  comment: string;
  onComment: (c: string) => void;
}) {
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (mode.kind === "comment") box.current?.focus();
  }, [mode]);
  const button = "rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-50";
  return (
    <div className="space-y-3 rounded-lg border border-stone-200 bg-white p-3" data-testid="decision-bar">
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={busy}
          className={`${button} border-emerald-300 bg-emerald-50 text-emerald-800`}
          onClick={() => onDecide("approve")}
        >
          <Check aria-hidden className="inline h-4 w-4 align-[-3px]" /> <kbd>A</kbd> Approve
        </button>
        <button
          type="button"
          disabled={busy}
          className={`${button} border-emerald-200 text-emerald-800`}
          onClick={() => onMode({ kind: "comment", decision: "approve_with_changes" })}
        >
          <CheckCheck aria-hidden className="inline h-4 w-4 align-[-3px]" /> <kbd>C</kbd> Approve with changes
        </button>
        <button
          type="button"
          disabled={busy}
          className={`${button} border-amber-300 text-amber-800`}
          onClick={() => onMode({ kind: "comment", decision: "request_changes" })}
        >
          <MessageSquareWarning aria-hidden className="inline h-4 w-4 align-[-3px]" /> <kbd>X</kbd> Request changes
        </button>
        <button
          type="button"
          disabled={busy}
          className={`${button} border-red-300 text-red-700`}
          onClick={() => onMode({ kind: "reason" })}
        >
          <X aria-hidden className="inline h-4 w-4 align-[-3px]" /> <kbd>R</kbd> Reject
        </button>
      </div>
      {mode.kind === "comment" && (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            onDecide(mode.decision, { comment });
          }}
        >
          <label className="block text-sm font-medium text-stone-700" htmlFor="review-comment">
            {mode.decision === "request_changes"
              ? "What must change? (goes back to the designer)"
              : "Which changes? (approved on that condition)"}
          </label>
          <textarea
            id="review-comment"
            ref={box}
            rows={2}
            value={comment}
            onChange={(e) => onComment(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                onDecide(mode.decision, { comment });
              }
              if (e.key === "Escape") onMode({ kind: "idle" });
            }}
            className="w-full rounded-md border border-stone-300 px-2 py-1 text-sm"
          />
          <p className="text-xs text-stone-500">Enter sends, Shift+Enter adds a line, Esc cancels.</p>
        </form>
      )}
      {mode.kind === "reason" && (
        <div data-testid="reason-picker">
          <p className="text-sm font-medium text-stone-700">Why reject? Press its number (Esc cancels).</p>
          <ol className="mt-1 grid grid-cols-2 gap-1 text-sm">
            {reasons.slice(0, 10).map((r, i) => (
              <li key={r.code}>
                <button
                  type="button"
                  disabled={busy}
                  className="w-full rounded px-2 py-1 text-left hover:bg-red-50"
                  onClick={() => onDecide("reject", { reasonCode: r.code })}
                >
                  <kbd className="mr-2 rounded border border-stone-300 px-1 text-xs">{(i + 1) % 10}</kbd>
                  {r.label}
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
      <p className="flex flex-wrap gap-x-3 text-xs text-stone-500">
        {KEYS.map(([k, what]) => (
          <span key={k}>
            <kbd className="rounded border border-stone-300 px-1">{k}</kbd> {what}
          </span>
        ))}
      </p>
    </div>
  );
}
