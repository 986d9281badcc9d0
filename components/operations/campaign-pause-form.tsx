"use client";

import { useState, useTransition } from "react";
import { holdCampaignAction } from "@/app/(console)/budgets/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

/** Pause a campaign by hand: the same hold a stop-loss makes, released from the list of holds. */
export function CampaignPauseForm({ campaigns }: { campaigns: string[] }) {
  const [pending, startTransition] = useTransition();
  const [campaign, setCampaign] = useState("");
  const [detail, setDetail] = useState("");
  const [feedback, setFeedback] = useState<{ ok: boolean; message: string; fields?: Record<string, string[]> } | null>(
    null,
  );
  const submit = () =>
    startTransition(async () => {
      const result = await holdCampaignAction(campaign, detail);
      if (!result.ok) return setFeedback({ ok: false, message: result.error.message, fields: result.error.fields });
      setCampaign("");
      setDetail("");
      setFeedback({ ok: true, message: result.message ?? "Paused." });
    });
  return (
    <form
      className="space-y-3"
      data-testid="campaign-pause-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Field label="Campaign" name="campaign" error={feedback?.fields?.campaign}>
        <Input
          id="campaign"
          name="campaign"
          list="known-campaigns"
          value={campaign}
          onChange={(e) => setCampaign(e.target.value)}
        />
        <datalist id="known-campaigns">
          {campaigns.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </Field>
      <Field label="Why (everyone sees it)" name="detail" error={feedback?.fields?.detail}>
        <Input id="detail" name="detail" value={detail} onChange={(e) => setDetail(e.target.value)} maxLength={300} />
      </Field>
      {feedback && !feedback.fields && <Alert tone={feedback.ok ? "success" : "error"}>{feedback.message}</Alert>}
      <Button type="submit" variant="danger" disabled={pending}>
        Pause campaign
      </Button>
    </form>
  );
}
