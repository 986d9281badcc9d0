"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

/** A modal dialog: Escape or the backdrop closes it (unless `locked`), focus moves into it. */
export function Modal({
  title,
  onClose,
  children,
  testId,
  locked = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId: string;
  locked?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>("input, button:not([aria-label=Close]), textarea, select")?.focus();
  }, []);
  const close = () => !locked && onClose();
  return (
    <div
      className="fixed inset-0 z-40 flex items-center justify-center bg-black/50 p-4"
      role="presentation"
      onClick={close}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${testId}-title`}
        className="max-h-[90vh] w-full max-w-2xl overflow-y-auto rounded-lg bg-white p-5 shadow-xl"
        onClick={(ev) => ev.stopPropagation()}
        onKeyDown={(ev) => ev.key === "Escape" && close()}
        data-testid={testId}
      >
        <div className="flex items-start justify-between gap-4">
          <h2 id={`${testId}-title`} className="text-lg font-semibold text-stone-900">
            {title}
          </h2>
          <Button variant="ghost" onClick={onClose} aria-label="Close">
            ✕
          </Button>
        </div>
        {children}
      </div>
    </div>
  );
}
