"use client";

import Link from "@/components/ui/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ShareLinkView } from "@/lib/share-links/manage";

/** Links with their views, expiry and state; Revoke on the active ones. `showTarget`: name what each shares (the "my links" page). */
export function ShareLinksTable({
  links,
  onRevoke,
  revoking,
  showTarget = false,
}: {
  links: ShareLinkView[];
  onRevoke: (id: string) => void;
  revoking: boolean;
  showTarget?: boolean;
}) {
  return (
    <table className="mt-2 w-full text-left text-sm" data-testid="share-links">
      <thead className="text-xs uppercase tracking-wide text-stone-500">
        <tr>
          <th className="py-1 pr-2 font-medium">Link</th>
          {showTarget && <th className="py-1 pr-2 font-medium">Shares</th>}
          <th className="py-1 pr-2 font-medium">Views</th>
          <th className="py-1 pr-2 font-medium">Expires</th>
          <th className="py-1 font-medium" />
        </tr>
      </thead>
      <tbody>
        {links.map((l) => (
          <tr key={l.id} className="border-t border-stone-100" data-testid="share-link-row" data-state={l.state}>
            <td className="py-1.5 pr-2">
              <span className="font-mono text-xs">{l.tokenHint}…</span>{" "}
              {l.label && <span className="text-stone-700">{l.label}</span>}
              <span className="block text-xs text-stone-500">
                by {l.createdBy}
                {l.hasPassword && " · password"}
                {l.allowDownload && " · downloads"}
              </span>
            </td>
            {showTarget && (
              <td className="py-1.5 pr-2">
                <Link
                  href={l.target.type === "asset" ? `/assets/${l.target.id}` : `/collections/${l.target.id}`}
                  className="text-kiln-700 hover:underline"
                >
                  {l.target.title}
                </Link>
                <span className="block text-xs text-stone-500">{l.target.type}</span>
              </td>
            )}
            <td className="py-1.5 pr-2 tabular-nums" data-testid="share-views">
              {l.viewCount}
              {l.lastViewedAt && (
                <span className="block text-xs text-stone-500">
                  last {l.lastViewedAt.slice(0, 16).replace("T", " ")}
                </span>
              )}
            </td>
            <td className="py-1.5 pr-2">
              {l.state === "active" ? (
                l.expiresAt.slice(0, 10)
              ) : (
                <Badge tone={l.state === "revoked" ? "bad" : "neutral"}>{l.state}</Badge>
              )}
            </td>
            <td className="py-1.5 text-right">
              {l.state === "active" && (
                <Button variant="danger" onClick={() => onRevoke(l.id)} disabled={revoking} data-testid="share-revoke">
                  Revoke
                </Button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
