"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import type { ApiTokenView } from "@/lib/api-tokens/manage";
import type { ServiceAccountView } from "@/lib/api-tokens/service-accounts";
import { CreateTokenDialog, type CreatedToken } from "./create-token-dialog";
import { Modal } from "./modal";
import { ServiceAccountsCard } from "./service-accounts-card";
import { TokenCreatedDialog } from "./token-created-dialog";

export const TOKENS_KEY = ["api-tokens"];

const STATE_TONE = { active: "good", expired: "neutral", revoked: "bad" } as const;
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "—");

/**
 * The caller's tokens (and, for admins, every service account's): what each may do, when it ends,
 * when and from where it was last used. New tokens are shown once; revoking asks first.
 */
export function ApiTokensPanel({
  initial,
  scopes,
  appUrl,
  serviceAccounts,
}: {
  initial: ApiTokenView[];
  scopes: Record<string, string>;
  appUrl: string;
  /** Present for admins only. */
  serviceAccounts?: ServiceAccountView[];
}) {
  const qc = useQueryClient();
  const tokens = useQuery({
    queryKey: TOKENS_KEY,
    queryFn: () => api<{ tokens: ApiTokenView[] }>("/api/api-tokens").then((r) => r.tokens),
    initialData: initial,
  });
  const [creating, setCreating] = useState<{ forUser?: { id: string; name: string } } | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: TOKENS_KEY });
    void qc.invalidateQueries({ queryKey: ["service-accounts"] });
  };
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/api-tokens/${id}/revoke`, { method: "POST" }),
    onSuccess: () => {
      setRevoking(null);
      refresh();
    },
  });
  const mine = tokens.data.filter((t) => !t.serviceAccount);
  const robots = tokens.data.filter((t) => t.serviceAccount);
  const table = (rows: ApiTokenView[], owner: boolean) => (
    <Table
      columns={[
        "Name",
        ...(owner ? ["Service account"] : []),
        "Scopes",
        "Created (UTC)",
        "Expires (UTC)",
        "Last used (UTC)",
        "State",
        { label: "Actions", srOnly: true },
      ]}
    >
      {rows.map((t) => (
        <tr key={t.id} data-testid="token-row" data-state={t.state} data-name={t.name}>
          <td className="py-2 pr-3">
            <span className="font-medium text-stone-900">{t.name}</span>
            <span className="block font-mono text-xs text-stone-500">{t.tokenHint}…</span>
          </td>
          {owner && <td className="py-2 pr-3">{t.userName}</td>}
          <td className="py-2 pr-3">
            <div className="flex flex-wrap gap-1">
              {t.scopes.map((s) => (
                <span key={s} className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs text-stone-700">
                  {s}
                </span>
              ))}
            </div>
          </td>
          <td className="py-2 pr-3 tabular-nums">{when(t.createdAt)}</td>
          <td className="py-2 pr-3 tabular-nums">
            {t.expiresAt ? when(t.expiresAt) : <span className="text-amber-700">never</span>}
          </td>
          <td className="py-2 pr-3 tabular-nums" data-testid="token-last-used">
            {t.lastUsedAt ? (
              <>
                {when(t.lastUsedAt)}
                {t.lastUsedIp && <span className="block font-mono text-xs text-stone-500">{t.lastUsedIp}</span>}
              </>
            ) : (
              <span className="text-stone-500">never</span>
            )}
          </td>
          <td className="py-2 pr-3">
            <Badge tone={STATE_TONE[t.state]}>{t.state}</Badge>
          </td>
          <td className="py-2 text-right">
            {t.state === "active" && (
              <Button variant="danger" onClick={() => setRevoking(t)} data-testid="token-revoke">
                Revoke
              </Button>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
  return (
    <div className="space-y-6">
      <Card
        title="Your API tokens"
        description={
          <>
            Each token acts as you, limited to its scopes. Send it as{" "}
            <code className="font-mono text-xs">Authorization: Bearer kiln_api_…</code>.
          </>
        }
        actions={
          <Button onClick={() => setCreating({})} data-testid="token-new">
            New token
          </Button>
        }
      >
        {mine.length ? (
          table(mine, false)
        ) : (
          <p className="text-sm text-stone-600">
            No tokens yet. Make one for each script or system that calls Kiln, so you can revoke one without breaking
            the others.
          </p>
        )}
      </Card>
      {serviceAccounts && (
        <ServiceAccountsCard initial={serviceAccounts} onNewToken={(sa) => setCreating({ forUser: sa })}>
          {robots.length ? (
            table(robots, true)
          ) : (
            <p className="text-sm text-stone-600">No service account tokens yet.</p>
          )}
        </ServiceAccountsCard>
      )}
      {creating && (
        <CreateTokenDialog
          scopes={scopes}
          forUser={creating.forUser}
          onClose={() => setCreating(null)}
          onCreated={(c) => {
            setCreating(null);
            setCreated(c);
            refresh();
          }}
        />
      )}
      {created && <TokenCreatedDialog created={created} appUrl={appUrl} onClose={() => setCreated(null)} />}
      {revoking && (
        <Modal title={`Revoke “${revoking.name}”?`} onClose={() => setRevoking(null)} testId="token-revoke-dialog">
          <p className="mt-2 text-sm text-stone-600">
            Every request with this token is refused from now on
            {revoking.serviceAccount ? `, so whatever runs as ${revoking.userName} with it stops working` : ""}. This
            cannot be undone; make a new token if it is needed again.
          </p>
          {revoke.error && (
            <div className="mt-3">
              <Alert tone="error">
                {revoke.error instanceof RequestError ? revoke.error.message : "Could not revoke; try again."}
              </Alert>
            </div>
          )}
          <div className="mt-4 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setRevoking(null)}>
              Keep it
            </Button>
            <Button
              variant="danger"
              onClick={() => revoke.mutate(revoking.id)}
              disabled={revoke.isPending}
              data-testid="token-revoke-confirm"
            >
              {revoke.isPending ? "Revoking…" : "Revoke token"}
            </Button>
          </div>
        </Modal>
      )}
    </div>
  );
}
