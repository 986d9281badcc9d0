"use client";

import { useState, type FormEvent } from "react";
import { api, RequestError, type ApiError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import type { EndpointView } from "@/lib/webhooks/endpoints";
import type { EventOption, TeamOption } from "./webhooks-console";

/** Add an endpoint: URL, description, events, and (admins) whose it is. */
export function EndpointForm({
  teams,
  eventTypes,
  onCreated,
  onCancel,
}: {
  teams: TeamOption[];
  eventTypes: EventOption[];
  onCreated: (r: { endpoint: EndpointView; secret: string }) => void;
  onCancel: () => void;
}) {
  const [events, setEvents] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const owner = String(form.get("owner") ?? "me");
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ endpoint: EndpointView; secret: string }>("/api/webhooks", {
        json: {
          url: form.get("url"),
          description: form.get("description"),
          events,
          ...(owner !== "me" ? { teamId: owner } : {}),
        },
      });
      onCreated(r);
    } catch (err) {
      setError(err instanceof RequestError ? err.error : { code: "internal", message: "Could not add the endpoint." });
    } finally {
      setBusy(false);
    }
  }

  const toggle = (type: string) =>
    setEvents((list) => (list.includes(type) ? list.filter((t) => t !== type) : [...list, type]));

  return (
    <Card title="Add endpoint" description="Kiln POSTs JSON to this URL; answer with any 2xx status within 15 seconds.">
      <form onSubmit={submit} className="space-y-4" aria-label="Add webhook endpoint">
        {error && <Alert tone="error">{error.message}</Alert>}
        <Field label="Endpoint URL" name="url" error={error?.fields?.url} hint="A public http(s) URL of your receiver.">
          <Input
            name="url"
            type="url"
            required
            placeholder="https://example.com/kiln/webhooks"
            invalid={!!error?.fields?.url}
          />
        </Field>
        <Field label="Description" name="description" error={error?.fields?.description}>
          <Input name="description" maxLength={200} placeholder="What receives these events" />
        </Field>
        {teams.length > 0 && (
          <Field label="Owner" name="owner" hint="A team's endpoint receives events about every member's work.">
            <Select id="owner" name="owner" defaultValue="me">
              <option value="me">Me</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  Team {t.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <fieldset>
          <legend className="text-sm font-medium text-stone-700">Events</legend>
          {error?.fields && Object.keys(error.fields).some((k) => k.startsWith("events")) && (
            <p className="text-xs text-red-700">Choose at least one event.</p>
          )}
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {eventTypes.map((e) => (
              <label key={e.type} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={events.includes(e.type)}
                  onChange={() => toggle(e.type)}
                  aria-label={e.type}
                />
                <span>
                  <code className="font-mono text-xs text-stone-900">{e.type}</code>
                  <span className="block text-xs text-stone-500">{e.label}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex gap-2">
          <Button type="submit" disabled={busy}>
            {busy ? "Adding…" : "Add endpoint"}
          </Button>
          <Button type="button" variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
