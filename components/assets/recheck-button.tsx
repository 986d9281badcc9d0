"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { recheckAssetAction } from "@/app/(console)/assets/[id]/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export function RecheckButton({ assetId }: { assetId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex items-center gap-2">
      {error && <Alert tone="error">{error}</Alert>}
      <Button
        variant="secondary"
        disabled={pending}
        title="Run every check again with the thresholds in force now"
        onClick={() =>
          start(async () => {
            const r = await recheckAssetAction(assetId);
            if (!r.ok) setError(r.error.message);
            router.refresh();
          })
        }
      >
        Re-run checks
      </Button>
    </div>
  );
}
