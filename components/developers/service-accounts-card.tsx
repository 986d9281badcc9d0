"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import type { ServiceAccountView } from "@/lib/api-tokens/service-accounts";

const ROLES = ["designer", "reviewer", "finance", "admin"] as const;

/** Admins: accounts that never sign in and own an integration's tokens, so it outlives whoever set it up. */
export function ServiceAccountsCard({
  initial,
  onNewToken,
  children,
}: {
  initial: ServiceAccountView[];
  onNewToken: (sa: { id: string; name: string }) => void;
  children: ReactNode;
}) {
  const qc = useQueryClient();
  const key = ["service-accounts"];
  const accounts = useQuery({
    queryKey: key,
    queryFn: () =>
      api<{ serviceAccounts: ServiceAccountView[] }>("/api/api-tokens/service-accounts").then((r) => r.serviceAccounts),
    initialData: initial,
  });
  const [name, setName] = useState("");
  const [role, setRole] = useState<(typeof ROLES)[number]>("designer");
  const create = useMutation({
    mutationFn: () =>
      api<{ serviceAccount: ServiceAccountView }>("/api/api-tokens/service-accounts", { json: { name, role } }),
    onSuccess: () => {
      setName("");
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const fields = create.error instanceof RequestError ? (create.error.error.fields ?? {}) : {};
  return (
    <Card
      title="Service accounts"
      description="Users that never sign in. Their tokens act with the role you give them here; deactivating one (under Users) revokes its tokens."
    >
      <div className="space-y-4">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
          data-testid="service-account-form"
        >
          <div className="min-w-64 flex-1">
            <Field label="Name" name="sa-name" error={fields.name}>
              <Input
                name="sa-name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="e.g. PIM integration"
                maxLength={120}
                invalid={!!fields.name}
              />
            </Field>
          </div>
          <Field label="Role" name="sa-role" error={fields.role}>
            <Select id="sa-role" name="sa-role" value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </Field>
          <Button
            type="submit"
            variant="secondary"
            disabled={create.isPending || !name.trim()}
            data-testid="service-account-create"
          >
            Create service account
          </Button>
        </form>
        {role === "admin" && (
          <Alert tone="error">
            An admin service account&apos;s tokens can do anything an admin can through the API. Prefer the narrowest
            role.
          </Alert>
        )}
        {create.error && !Object.keys(fields).length && (
          <Alert tone="error">
            {create.error instanceof RequestError ? create.error.message : "Could not create it; try again."}
          </Alert>
        )}
        {accounts.data.length > 0 && (
          <ul className="divide-y divide-stone-100 rounded-md border border-stone-200" data-testid="service-accounts">
            {accounts.data.map((sa) => (
              <li
                key={sa.id}
                className="flex items-center justify-between gap-3 px-3 py-2 text-sm"
                data-testid="service-account-row"
                data-name={sa.name}
              >
                <span>
                  <span className="font-medium text-stone-900">{sa.name}</span> <Badge tone="accent">{sa.role}</Badge>{" "}
                  {!sa.active && <Badge tone="bad">deactivated</Badge>}
                  <span className="block text-xs text-stone-500">
                    {sa.liveTokens} live token{sa.liveTokens === 1 ? "" : "s"} · created {sa.createdAt.slice(0, 10)}
                  </span>
                </span>
                {sa.active && (
                  <Button
                    variant="secondary"
                    onClick={() => onNewToken({ id: sa.id, name: sa.name })}
                    data-testid="service-account-new-token"
                  >
                    New token
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        <div>
          <h3 className="mb-1 text-sm font-semibold text-stone-800">Their tokens</h3>
          {children}
        </div>
      </div>
    </Card>
  );
}
