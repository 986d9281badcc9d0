"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { api, RequestError } from "@/components/api-client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import type { ApiTokenView } from "@/lib/api-tokens/manage";
import { Modal } from "./modal";

const EXPIRY = [
  ["30", "30 days"],
  ["90", "90 days (suggested)"],
  ["365", "1 year"],
  ["none", "Never"],
] as const;

export type CreatedToken = { token: string; view: ApiTokenView };

/**
 * Name, scopes (each with what it allows) and expiry. Scopes only narrow what the owner's role
 * already allows; the form says so, because a finance user ticking generations:write gains nothing.
 */
export function CreateTokenDialog({
  scopes,
  forUser,
  onCreated,
  onClose,
}: {
  scopes: Record<string, string>;
  /** A service account (admins); otherwise the token is the caller's own. */
  forUser?: { id: string; name: string };
  onCreated: (created: CreatedToken) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [expiry, setExpiry] = useState<(typeof EXPIRY)[number][0]>("90");
  const create = useMutation({
    mutationFn: () =>
      api<CreatedToken>("/api/api-tokens", {
        json: {
          name,
          scopes: chosen,
          expiresInDays: expiry === "none" ? null : Number(expiry),
          ...(forUser ? { forUserId: forUser.id } : {}),
        },
      }),
    onSuccess: onCreated,
  });
  const fields = create.error instanceof RequestError ? (create.error.error.fields ?? {}) : {};
  const toggle = (scope: string) =>
    setChosen((c) => (c.includes(scope) ? c.filter((s) => s !== scope) : [...c, scope]));
  return (
    <Modal
      title={forUser ? `New token for ${forUser.name}` : "New API token"}
      onClose={onClose}
      testId="token-create-dialog"
    >
      <p className="mt-1 text-sm text-stone-600">
        {forUser
          ? `The token acts as the service account ${forUser.name}, with its role.`
          : "The token acts as you: it can never do more than your role allows, and the scopes below narrow it further."}
      </p>
      <form
        className="mt-4 space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label="Name" name="token-name" error={fields.name} hint="What uses it, e.g. “PIM nightly sync”.">
          <Input
            name="token-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={80}
            invalid={!!fields.name}
            required
          />
        </Field>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-stone-700">Scopes</legend>
          <p className="text-xs text-stone-500">A :write scope includes reading the same resource.</p>
          {Object.entries(scopes).map(([scope, description]) => (
            <label
              key={scope}
              className="flex items-start gap-2 rounded-md border border-stone-200 px-3 py-2 text-sm hover:bg-stone-50"
            >
              <input
                type="checkbox"
                className="mt-0.5"
                checked={chosen.includes(scope)}
                onChange={() => toggle(scope)}
                data-testid={`scope-${scope}`}
              />
              <span>
                <span className="font-mono text-xs font-semibold text-stone-900">{scope}</span>
                <span className="block text-stone-600">{description}</span>
              </span>
            </label>
          ))}
          {fields.scopes && <p className="text-xs text-red-700">{fields.scopes[0]}</p>}
        </fieldset>
        <Field label="Expires after" name="token-expiry" error={fields.expiresInDays}>
          <Select
            id="token-expiry"
            name="token-expiry"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value as typeof expiry)}
          >
            {EXPIRY.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        {expiry === "none" && (
          <Alert tone="error">
            A token that never expires works until someone revokes it — also after it leaks into a log or a laptop
            backup. Prefer an expiry and make a new token when it ends.
          </Alert>
        )}
        {create.error && !Object.keys(fields).length && (
          <Alert tone="error">
            {create.error instanceof RequestError ? create.error.message : "Could not create the token; try again."}
          </Alert>
        )}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button
            type="submit"
            disabled={create.isPending || !name.trim() || chosen.length === 0}
            data-testid="token-create-submit"
          >
            {create.isPending ? "Creating…" : "Create token"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
