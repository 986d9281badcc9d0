import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { WebhooksConsole } from "@/components/webhooks/webhooks-console";
import { requirePageCtx } from "@/lib/auth/guard";
import { endpointTeams, listEndpoints } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const ctx = await requirePageCtx("webhooks.manage");
  const [endpoints, teams] = await Promise.all([listEndpoints({ ctx }), endpointTeams({ ctx })]);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Kiln POSTs signed JSON events to your systems when work happens: a batch finishes, an asset is approved, an export is ready. Deliveries follow the Standard Webhooks specification and are retried for over a day."
      />
      <WebhooksConsole
        initial={endpoints}
        teams={teams}
        eventTypes={WEBHOOK_EVENT_TYPES.map((type) => ({ type, label: WEBHOOK_EVENT_LABELS[type] }))}
      />
    </>
  );
}
