"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { verifyAuditNowAction } from "@/app/(console)/admin/audit/actions";
import { Button } from "@/components/ui/button";

/** Verifies the entries since the newest checkpoint now and writes a checkpoint (the scheduled check does it every 10 minutes). */
export function AuditVerifyNow() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="flex items-center gap-3">
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        data-testid="audit-verify-now"
        onClick={() =>
          start(async () => {
            const r = await verifyAuditNowAction();
            setResult(r.ok ? { ok: r.data.ok, text: r.data.message } : { ok: false, text: r.error.message });
            router.refresh();
          })
        }
      >
        {pending ? "Verifying…" : "Verify now and checkpoint"}
      </Button>
      {result && (
        <span role="status" className={`text-sm ${result.ok ? "text-emerald-700" : "text-red-700"}`}>
          {result.text}
        </span>
      )}
    </div>
  );
}
