"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { cancelRunAction, replayRunAction } from "@/app/(console)/admin/runs/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useConfirm } from "@/components/ui/use-confirm";

export function RunActions({ runId, status }: { runId: string; status: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const canCancel = status === "queued" || status === "running";
  const canReplay = status === "failed" || status === "cancelled";
  const [confirm, confirmDialog] = useConfirm();
  return (
    <div className="flex items-center gap-2">
      {confirmDialog}
      {error && <Alert tone="error">{error}</Alert>}
      {canCancel && (
        <Button
          variant="danger"
          disabled={pending}
          onClick={async () => {
            const ok = await confirm({
              title: "Cancel this run?",
              body: "Steps already done stay done; nothing further runs.",
              confirmLabel: "Cancel run",
              tone: "danger",
            });
            if (ok)
              start(async () => {
                const r = await cancelRunAction(runId);
                if (!r.ok) setError(r.error.message);
                router.refresh();
              });
          }}
        >
          Cancel run
        </Button>
      )}
      {canReplay && (
        <Button
          disabled={pending}
          onClick={() =>
            start(async () => {
              const r = await replayRunAction(runId);
              if (r.ok) router.push(`/admin/runs/${encodeURIComponent(r.data)}`);
              else setError(r.error.message);
            })
          }
        >
          Replay
        </Button>
      )}
    </div>
  );
}
