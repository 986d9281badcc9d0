"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import type { ShareLinkView } from "@/lib/share-links/manage";
import { ShareLinksTable } from "./share-links-table";

/** The "Share links" page's list: every link the user made, newest first, revocable. */
export function MyShareLinks({ initial }: { initial: ShareLinkView[] }) {
  const qc = useQueryClient();
  const key = ["share-links", "mine"];
  const links = useQuery({
    queryKey: key,
    queryFn: () => api<{ links: ShareLinkView[] }>("/api/share-links?mine=1").then((r) => r.links),
    initialData: initial,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<{ link: ShareLinkView }>(`/api/share-links/${id}/revoke`, { json: {} }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
  if (!links.data.length)
    return (
      <p className="text-sm text-stone-600">
        No links yet. Open an asset or a collection and press Share to make a link for someone without an account.
      </p>
    );
  return (
    <>
      {revoke.error && (
        <Alert tone="error">
          {revoke.error instanceof RequestError ? revoke.error.message : "Could not revoke; try again."}
        </Alert>
      )}
      <ShareLinksTable links={links.data} onRevoke={(id) => revoke.mutate(id)} revoking={revoke.isPending} showTarget />
    </>
  );
}
