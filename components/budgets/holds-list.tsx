"use client";

import { useState, useTransition } from "react";
import { releaseHoldAction } from "@/app/(console)/budgets/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { HoldView } from "@/lib/budgets/holds";
import type { ActionResult } from "@/lib/http/action-result";
import { useConfirm } from "@/components/ui/use-confirm";

/** Campaigns on hold (their queued work waits), with Release. */
export function HoldsList({ holds }: { holds: HoldView[] }) {
  const [pending, startTransition] = useTransition();
  const [feedback, setFeedback] = useState<ActionResult<unknown> | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  return (
    <div className="space-y-3">
      {confirmDialog}
      {feedback && !feedback.ok && <Alert tone="error">{feedback.error.message}</Alert>}
      {feedback?.ok && <Alert tone="success">{feedback.message}</Alert>}
      {holds.length === 0 ? (
        <p className="text-sm text-stone-500">
          No campaign is on hold. A stop-loss puts one here when its reject rate is too high; you can pause one by hand
          too.
        </p>
      ) : (
        <ul className="divide-y divide-stone-100 text-sm" data-testid="holds">
          {holds.map((h) => (
            <li key={h.id} className="flex items-start justify-between gap-3 py-2">
              <div>
                <div className="font-medium">
                  {h.campaign} <Badge tone="bad">{h.reason.replace("_", "-")}</Badge>
                </div>
                <div className="text-xs text-stone-500">
                  {h.detail} · since {h.heldAt.slice(0, 16).replace("T", " ")} UTC
                </div>
              </div>
              <Button
                variant="secondary"
                disabled={pending}
                onClick={async () => {
                  const ok = await confirm({
                    title: `Release campaign “${h.campaign}”?`,
                    body: "Its waiting work goes on.",
                    confirmLabel: "Release",
                  });
                  if (ok) startTransition(async () => setFeedback(await releaseHoldAction(h.id)));
                }}
              >
                Release
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
