"use client";

import { useCallback, useState, type ReactNode } from "react";
import { ConfirmDialog } from "./confirm-dialog";

export type ConfirmRequest = {
  title: string;
  body?: ReactNode;
  confirmLabel: string;
  tone?: "primary" | "danger";
};

/**
 * The in-app confirmation as a promise, in place of the browser's `window.confirm()`:
 * `const [confirm, confirmDialog] = useConfirm();` then `if (await confirm({ title, confirmLabel })) …`,
 * with `{confirmDialog}` rendered anywhere in the component (the dialog is fixed over the page).
 */
export function useConfirm(): [(request: ConfirmRequest) => Promise<boolean>, ReactNode] {
  const [open, setOpen] = useState<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);
  const confirm = useCallback(
    (request: ConfirmRequest) => new Promise<boolean>((resolve) => setOpen({ ...request, resolve })),
    [],
  );
  const close = (ok: boolean) => {
    open?.resolve(ok);
    setOpen(null);
  };
  const dialog = open ? (
    <ConfirmDialog
      title={open.title}
      confirmLabel={open.confirmLabel}
      tone={open.tone ?? "primary"}
      onConfirm={() => close(true)}
      onCancel={() => close(false)}
    >
      {open.body}
    </ConfirmDialog>
  ) : null;
  return [confirm, dialog];
}
