"use client";

import { useState, useTransition } from "react";
import { rollbackPresetAction } from "@/app/(console)/admin/presets/actions";
import { rollbackTemplateAction } from "@/app/(console)/admin/templates/actions";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action-result";
import { useConfirm } from "@/components/ui/use-confirm";

/** Moves an item's active pointer to this version, after a confirm; nothing is copied or deleted. */
export function RollbackButton({
  kind,
  itemId,
  itemName,
  versionId,
  version,
  older,
}: {
  kind: "preset" | "template";
  itemId: string;
  itemName: string;
  versionId: string;
  version: number;
  older: boolean;
}) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const label = older ? "Roll back to this version" : "Make this version active";
  const [confirm, confirmDialog] = useConfirm();
  const onClick = async () => {
    const ok = await confirm({
      title: `${older ? "Roll back" : "Switch"} “${itemName}” to version ${version}?`,
      body: "New generations will use it at once; queued ones keep the version they were made with.",
      confirmLabel: older ? "Roll back" : "Make active",
    });
    if (!ok) return;
    start(async () =>
      setResult(
        kind === "preset"
          ? await rollbackPresetAction(itemId, versionId)
          : await rollbackTemplateAction(itemId, versionId),
      ),
    );
  };
  return (
    <div className="flex flex-col items-end gap-1">
      {confirmDialog}
      <Button variant="secondary" disabled={pending} onClick={onClick}>
        {pending ? "Switching…" : label}
      </Button>
      {result && !result.ok && (
        <p role="alert" className="max-w-56 text-xs text-red-700">
          {result.error.message}
        </p>
      )}
    </div>
  );
}
