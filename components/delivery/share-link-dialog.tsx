"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { ShareLinkView } from "@/lib/share-links/manage";
import { ShareLinksTable } from "./share-links-table";

type Target = { assetId: string } | { collectionId: string };
const EXPIRY_CHOICES = [
  ["1d", "1 day"],
  ["7d", "7 days"],
  ["30d", "30 days"],
  ["90d", "90 days"],
  ["custom", "Until a date…"],
] as const;

/**
 * "Share": a link for someone without an account. Expiry (required), an optional password, whether
 * downloads are allowed, a label; the link is shown once with Copy. Below, the existing links with
 * their views and expiry, each revocable. Only approved assets with confirmed alt text and rights
 * still valid are ever shown through a link.
 */
export function ShareLinkButton({ target }: { target: Target }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} data-testid="share-open">
        Share
      </Button>
      {open && <SharePanel target={target} onClose={() => setOpen(false)} />}
    </>
  );
}

function SharePanel({ target, onClose }: { target: Target; onClose: () => void }) {
  const qc = useQueryClient();
  const query = "assetId" in target ? `assetId=${target.assetId}` : `collectionId=${target.collectionId}`;
  const key = ["share-links", query];
  const links = useQuery({
    queryKey: key,
    queryFn: () => api<{ links: ShareLinkView[] }>(`/api/share-links?${query}`).then((r) => r.links),
  });
  const [expiry, setExpiry] = useState<(typeof EXPIRY_CHOICES)[number][0]>("7d");
  const [expiresOn, setExpiresOn] = useState("");
  const [password, setPassword] = useState("");
  const [allowDownload, setAllowDownload] = useState(false);
  const [label, setLabel] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api<{ url: string; link: ShareLinkView }>("/api/share-links", {
        json: {
          ...target,
          expiry,
          expiresOn: expiry === "custom" ? expiresOn : undefined,
          password: password || undefined,
          allowDownload,
          label,
        },
      }),
    onSuccess: (r) => {
      setCreated(r.url);
      setCopied(false);
      setPassword("");
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<{ link: ShareLinkView }>(`/api/share-links/${id}/revoke`, { json: {} }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
  const errorOf = (err: unknown) =>
    err instanceof RequestError ? err.message : err ? "Something went wrong; try again." : null;
  // The date picker's bounds: today's date at each render is what they mean.
  const today = new Date().toISOString().slice(0, 10);
  // eslint-disable-next-line react-hooks/purity -- see above
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  return (
    <div
      className="fixed inset-0 z-40 flex items-center justify-center bg-black/50 p-4"
      role="presentation"
      onClick={onClose}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="share-title"
        className="max-h-[90vh] w-full max-w-2xl overflow-y-auto rounded-lg bg-white p-5 shadow-xl"
        onClick={(ev) => ev.stopPropagation()}
        onKeyDown={(ev) => ev.key === "Escape" && onClose()}
        data-testid="share-dialog"
      >
        <div className="flex items-start justify-between gap-4">
          <h2 id="share-title" className="text-lg font-semibold text-stone-900">
            Share a link
          </h2>
          <Button variant="ghost" onClick={onClose} aria-label="Close">
            ✕
          </Button>
        </div>
        <p className="mt-1 text-sm text-stone-600">
          Anyone with the link can see it without signing in, until it expires or you revoke it. Only approved assets
          with confirmed alt text and valid usage rights are shown.
        </p>
        {created ? (
          <div
            className="mt-4 space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3"
            data-testid="share-created"
          >
            <p className="text-sm font-medium text-emerald-900">Link created. Copy it now: it is not shown again.</p>
            <div className="flex gap-2">
              <input
                readOnly
                value={created}
                className="w-full rounded-md border border-stone-300 bg-white px-2 py-1 font-mono text-xs"
                data-testid="share-url"
                onFocus={(e) => e.target.select()}
              />
              <Button
                variant="secondary"
                onClick={() => {
                  void navigator.clipboard?.writeText(created).then(() => setCopied(true));
                }}
                data-testid="share-copy"
              >
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
            <Button variant="ghost" onClick={() => setCreated(null)}>
              Make another link
            </Button>
          </div>
        ) : (
          <form
            className="mt-4 grid gap-3 text-sm sm:grid-cols-2"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
            data-testid="share-form"
          >
            <label className="block">
              <span className="font-medium text-stone-700">Expires after</span>
              <select
                value={expiry}
                onChange={(e) => setExpiry(e.target.value as typeof expiry)}
                className="mt-1 block w-full rounded-md border border-stone-300 px-2 py-1"
                name="expiry"
              >
                {EXPIRY_CHOICES.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            {expiry === "custom" ? (
              <label className="block">
                <span className="font-medium text-stone-700">Ends on</span>
                <input
                  type="date"
                  required
                  min={today}
                  max={inAYear}
                  value={expiresOn}
                  onChange={(e) => setExpiresOn(e.target.value)}
                  className="mt-1 block w-full rounded-md border border-stone-300 px-2 py-1"
                />
              </label>
            ) : (
              <div />
            )}
            <label className="block">
              <span className="font-medium text-stone-700">Password (optional)</span>
              <input
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                minLength={8}
                maxLength={200}
                autoComplete="new-password"
                placeholder="at least 8 characters"
                className="mt-1 block w-full rounded-md border border-stone-300 px-2 py-1"
                name="password"
              />
            </label>
            <label className="block">
              <span className="font-medium text-stone-700">Label (optional)</span>
              <input
                value={label}
                onChange={(e) => setLabel(e.target.value)}
                maxLength={120}
                placeholder="e.g. Agency review, spring"
                className="mt-1 block w-full rounded-md border border-stone-300 px-2 py-1"
                name="label"
              />
            </label>
            <label className="inline-flex items-center gap-2 sm:col-span-2">
              <input
                type="checkbox"
                checked={allowDownload}
                onChange={(e) => setAllowDownload(e.target.checked)}
                name="allowDownload"
              />
              Allow downloads (the approved image, without location or device metadata)
            </label>
            {create.error && (
              <div className="sm:col-span-2">
                <Alert tone="error">{errorOf(create.error)}</Alert>
              </div>
            )}
            <div className="sm:col-span-2">
              <Button type="submit" disabled={create.isPending} data-testid="share-create">
                {create.isPending ? "Creating…" : "Create link"}
              </Button>
            </div>
          </form>
        )}
        <h3 className="mt-6 text-sm font-semibold text-stone-800">Links</h3>
        {links.isLoading && <p className="mt-2 text-sm text-stone-500">Loading…</p>}
        {links.error && <Alert tone="error">{errorOf(links.error)}</Alert>}
        {revoke.error && <Alert tone="error">{errorOf(revoke.error)}</Alert>}
        {links.data && links.data.length === 0 && (
          <p className="mt-2 text-sm text-stone-500">No links yet. Create one above.</p>
        )}
        {links.data && links.data.length > 0 && (
          <ShareLinksTable links={links.data} onRevoke={(id) => revoke.mutate(id)} revoking={revoke.isPending} />
        )}
      </div>
    </div>
  );
}
