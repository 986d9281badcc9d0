"use client";

import { Toaster as Sonner } from "sonner";

/** Outcomes (approved, saved, queued, failed) as toasts; errors that belong to a field stay beside it. */
export function Toaster() {
  return <Sonner theme="system" position="bottom-right" richColors closeButton duration={5000} />;
}
