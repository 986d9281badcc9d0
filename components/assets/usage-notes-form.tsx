"use client";

import { useState, useTransition } from "react";
import { saveUsageNotesAction } from "@/app/(console)/assets/[id]/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** The designer's rights and usage notes, which reviewers read before deciding. */
export function UsageNotesForm({ assetId, initial }: { assetId: string; initial: string | null }) {
  const [notes, setNotes] = useState(initial ?? "");
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await saveUsageNotesAction(assetId, notes);
          setResult(r.ok ? { ok: true, text: "Saved." } : { ok: false, text: r.error.message });
        });
      }}
    >
      <label htmlFor="usage-notes" className="block text-sm font-medium text-stone-700">
        Rights and usage notes for reviewers
      </label>
      <textarea
        id="usage-notes"
        rows={3}
        maxLength={2000}
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
        placeholder="e.g. Reference photo licensed from our own shoot (2026-03); for EU social only."
        className="w-full rounded-md border border-stone-300 px-2 py-1 text-sm"
      />
      <div className="flex items-center gap-2">
        <Button type="submit" variant="secondary" disabled={pending}>
          Save notes
        </Button>
        {result && <Alert tone={result.ok ? "success" : "error"}>{result.text}</Alert>}
      </div>
    </form>
  );
}
