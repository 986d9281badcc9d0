"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { EndpointView } from "@/lib/webhooks/endpoints";
import { EndpointCard } from "./endpoint-card";
import { EndpointForm } from "./endpoint-form";
import { SecretBox } from "./secret-box";

export type EventOption = { type: string; label: string };
export type TeamOption = { id: string; name: string };

/** The endpoints list, the add form, and the secret of an endpoint just added (shown once here). */
export function WebhooksConsole({
  initial,
  teams,
  eventTypes,
}: {
  initial: EndpointView[];
  teams: TeamOption[];
  eventTypes: EventOption[];
}) {
  const q = useQuery({
    queryKey: ["webhooks"],
    queryFn: () => api<{ endpoints: EndpointView[] }>("/api/webhooks").then((r) => r.endpoints),
    initialData: initial,
  });
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);

  return (
    <div className="space-y-6">
      {created && (
        <Alert tone="success">
          <p className="font-medium">Endpoint added for {created.url}.</p>
          <p className="mt-1">
            Verify each delivery with this signing secret (for example with the standardwebhooks package). You can
            reveal it again later.
          </p>
          <SecretBox secret={created.secret} />
        </Alert>
      )}
      {adding ? (
        <EndpointForm
          teams={teams}
          eventTypes={eventTypes}
          onCancel={() => setAdding(false)}
          onCreated={(r) => {
            setAdding(false);
            setCreated({ url: r.endpoint.url, secret: r.secret });
            void q.refetch();
          }}
        />
      ) : (
        <Button onClick={() => (setAdding(true), setCreated(null))}>Add endpoint</Button>
      )}
      {q.data.length === 0 ? (
        <div
          className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-sm text-stone-600"
          data-testid="webhooks-empty"
        >
          <p className="font-medium text-stone-800">No webhook endpoints yet.</p>
          <p className="mt-1">
            A webhook lets your own systems — a product-information system, a CMS, an ad tool — hear about Kiln work the
            moment it happens instead of polling: add the URL of a receiver, choose events such as{" "}
            <code>asset.approved</code> or <code>batch.completed</code>, and Kiln POSTs each event to it, signed with a
            secret only you and Kiln know. Failed deliveries are retried for more than 24 hours, and every attempt is
            logged here.
          </p>
        </div>
      ) : (
        <div className="space-y-4">
          {q.data.map((e) => (
            <EndpointCard key={e.id} endpoint={e} eventTypes={eventTypes} onChanged={() => void q.refetch()} />
          ))}
        </div>
      )}
    </div>
  );
}
