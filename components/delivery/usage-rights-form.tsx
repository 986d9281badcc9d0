"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { AssetRights } from "@/lib/rights/set-rights";
import { RIGHTS_CHANNELS } from "@/lib/rights/status";
import { RightsFlag } from "./rights-flag";

type Props = { initial: AssetRights & { assetId: string; canEdit: boolean } };

export function UsageRightsForm({ initial }: Props) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [rights, setRights] = useState(initial);
  const [licence, setLicence] = useState(initial.licence ?? "");
  const [channels, setChannels] = useState<string[]>(initial.channels);
  const [other, setOther] = useState(
    initial.channels.filter((c) => !(RIGHTS_CHANNELS as readonly string[]).includes(c)).join(", "),
  );
  const [expires, setExpires] = useState(initial.expiresAt?.slice(0, 10) ?? "");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const today = new Date().toISOString().slice(0, 10);

  const save = (clear: boolean) =>
    start(async () => {
      setError(null);
      const custom = other
        .split(/[\s,]+/)
        .map((c) => c.trim())
        .filter(Boolean);
      const known = channels.filter((c) => (RIGHTS_CHANNELS as readonly string[]).includes(c));
      const body = clear
        ? { licence: null, channels: null, expiresAt: null }
        : { licence, channels: [...known, ...custom], expiresAt: expires || null };
      try {
        const r = await api<{ rights: AssetRights }>(`/api/assets/${rights.assetId}/rights`, {
          method: "PUT",
          json: body,
        });
        setRights({ ...rights, ...r.rights });
        if (clear) {
          setLicence("");
          setChannels([]);
          setOther("");
          setExpires("");
        }
        setEditing(false);
        router.refresh();
      } catch (e) {
        setError(e instanceof RequestError ? e.message : "Could not save; try again.");
      }
    });

  if (!editing) {
    const none = !rights.licence && !rights.channels.length && !rights.expiresAt;
    return (
      <div className="space-y-2 text-sm" data-testid="rights-card">
        {none ? (
          <p className="text-stone-500">No usage rights recorded: no licence, every channel, no end date.</p>
        ) : (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-stone-500">Licence</dt>
            <dd data-testid="rights-licence">{rights.licence || "—"}</dd>
            <dt className="text-stone-500">Channels</dt>
            <dd data-testid="rights-channels">{rights.channels.length ? rights.channels.join(", ") : "any"}</dd>
            <dt className="text-stone-500">Expiry</dt>
            <dd className="flex flex-wrap items-center gap-2" data-testid="rights-expiry">
              {rights.expiresAt ? rights.expiresAt.slice(0, 10) : "none"}
              <RightsFlag expiresAt={rights.expiresAt} />
            </dd>
          </dl>
        )}
        {rights.canEdit && (
          <Button variant="secondary" onClick={() => setEditing(true)} data-testid="rights-edit">
            {none ? "Record rights" : "Edit rights"}
          </Button>
        )}
      </div>
    );
  }

  return (
    <form
      className="space-y-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save(false);
      }}
      data-testid="rights-form"
    >
      <label className="block">
        <span className="font-medium text-stone-700">Licence</span>
        <input
          value={licence}
          onChange={(e) => setLicence(e.target.value)}
          maxLength={200}
          placeholder="e.g. Getty RM 12345, own generation"
          className="mt-1 w-full rounded-md border border-stone-300 px-2 py-1"
          name="licence"
        />
      </label>
      <fieldset>
        <legend className="font-medium text-stone-700">Channels (none ticked: any)</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {RIGHTS_CHANNELS.map((c) => (
            <label key={c} className="inline-flex items-center gap-1">
              <input
                type="checkbox"
                checked={channels.includes(c)}
                onChange={(e) => setChannels(e.target.checked ? [...channels, c] : channels.filter((x) => x !== c))}
              />
              {c}
            </label>
          ))}
        </div>
        <input
          value={other}
          onChange={(e) => setOther(e.target.value)}
          placeholder="other short codes, comma-separated (e.g. dooh, print-eu)"
          className="mt-2 w-full rounded-md border border-stone-300 px-2 py-1"
          aria-label="Other channels"
        />
      </fieldset>
      <label className="block">
        <span className="font-medium text-stone-700">Rights end on</span>
        <input
          type="date"
          min={today}
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          className="mt-1 block rounded-md border border-stone-300 px-2 py-1"
          name="expiresAt"
        />
        <span className="text-xs text-stone-500">
          Leave empty for no end date. A week before, you and the reviewers are notified; after it, exports and share
          links leave the asset out.
        </span>
      </label>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending} data-testid="rights-save">
          Save rights
        </Button>
        <Button type="button" variant="ghost" onClick={() => setEditing(false)} disabled={pending}>
          Cancel
        </Button>
        {(rights.licence || rights.channels.length > 0 || rights.expiresAt) && (
          <Button type="button" variant="danger" onClick={() => save(true)} disabled={pending}>
            Clear
          </Button>
        )}
      </div>
    </form>
  );
}
