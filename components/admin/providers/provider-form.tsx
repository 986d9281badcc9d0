"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { createProviderAction, updateProviderAction } from "@/app/(console)/admin/providers/actions";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action-result";
import { CAPABILITY_LABELS, type KindHint, type ProviderRow } from "./types";

/**
 * One form for "Add GPU endpoint" and for editing a row. Ids are prefixed per form, because the
 * page holds several of these at once. The API key field is never pre-filled: blank keeps the key.
 */
export function ProviderForm({
  kinds,
  provider,
  onDone,
}: {
  kinds: KindHint[];
  provider?: ProviderRow;
  onDone?: () => void;
}) {
  const [state, action, pending] = useActionState<ActionResult<unknown> | null, FormData>(
    provider ? updateProviderAction : createProviderAction,
    null,
  );
  const [kind, setKind] = useState<string>(provider?.kind ?? "a1111");
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state?.ok) return;
    if (provider) onDone?.();
    else form.current?.reset();
  }, [state, provider, onDone]);
  const fields = state && !state.ok ? (state.error.fields ?? {}) : {};
  const hint = kinds.find((k) => k.kind === kind) ?? kinds[0]!;
  const prefix = provider ? `edit-${provider.slug}-` : "new-";
  const id = (name: string) => `${prefix}${name}`;
  const described = (name: string) => (fields[name] ? `${id(name)}-error` : undefined);
  const simulator = provider?.isSimulator ?? false;

  return (
    <form
      ref={form}
      action={action}
      className="space-y-4"
      noValidate
      aria-label={provider ? `Edit ${provider.name}` : "Add GPU endpoint"}
    >
      {state && !state.ok && (
        <Alert tone="error">{state.error.fields ? "Check the highlighted fields." : state.error.message}</Alert>
      )}
      {state?.ok && !provider && <Alert tone="success">{state.message}</Alert>}
      {provider && <input type="hidden" name="providerId" value={provider.id} />}
      <Field label="Name" name={id("name")} error={fields.name}>
        <Input
          id={id("name")}
          name="name"
          required
          maxLength={120}
          defaultValue={provider?.name}
          invalid={!!fields.name}
          aria-describedby={described("name")}
        />
      </Field>
      {!provider && (
        <>
          <Field
            label="Slug"
            name={id("slug")}
            error={fields.slug}
            hint="Lowercase letters, digits and dashes; it never changes."
          >
            <Input
              id={id("slug")}
              name="slug"
              required
              maxLength={60}
              placeholder="gpu-box-1"
              invalid={!!fields.slug}
              aria-describedby={described("slug")}
            />
          </Field>
          <Field label="Kind" name={id("kind")} error={fields.kind}>
            <Select id={id("kind")} name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {kinds.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </Select>
          </Field>
          <div
            className="space-y-1 rounded-md bg-stone-50 px-3 py-2 text-xs text-stone-600"
            data-testid="provider-kind-hints"
          >
            <div className="flex flex-wrap gap-1">
              {hint.capabilities.map((c) => (
                <Badge key={c}>{CAPABILITY_LABELS[c] ?? c}</Badge>
              ))}
            </div>
            <p>{hint.needsApiKey ? "Needs an API key." : "No API key needed (self-hosted)."}</p>
            <p>
              Default URL: {hint.defaultBaseUrl ?? "none — enter your server's address, e.g. http://gpu-box.lan:7860"}
            </p>
            <p>Presets name the model as: {hint.modelHint}</p>
            {hint.notes && <p>{hint.notes}</p>}
          </div>
        </>
      )}
      <Field
        label="Base URL"
        name={id("baseUrl")}
        error={fields.baseUrl}
        hint={
          simulator
            ? "The built-in simulator's URL follows KILN_SIMULATOR_PORT."
            : hint.defaultBaseUrl
              ? `Leave blank for ${hint.defaultBaseUrl}.`
              : undefined
        }
      >
        <Input
          id={id("baseUrl")}
          name="baseUrl"
          type="url"
          maxLength={2048}
          disabled={simulator}
          defaultValue={provider?.baseUrl}
          placeholder={hint.defaultBaseUrl ?? "http://gpu-box.lan:7860"}
          invalid={!!fields.baseUrl}
          aria-describedby={described("baseUrl")}
        />
      </Field>
      <label className="flex items-start gap-2 text-sm text-stone-700">
        {simulator && <input type="hidden" name="allowPrivate" value="on" />}
        <input
          type="checkbox"
          name={simulator ? undefined : "allowPrivate"}
          defaultChecked={provider?.allowPrivate ?? false}
          disabled={simulator}
          className="mt-0.5"
          aria-label="Allow private network"
        />
        <span>
          Allow private network{" "}
          <span className="text-stone-500">
            (this machine or your LAN; cloud metadata and link-local addresses are never allowed)
          </span>
        </span>
      </label>
      {fields.allowPrivate && <p className="text-xs text-red-700">{fields.allowPrivate[0]}</p>}
      <Field
        label="API key"
        name={id("apiKey")}
        error={fields.apiKey}
        hint={
          provider?.hasSecret
            ? `A key is stored${provider.secretLast4 ? ` (ends …${provider.secretLast4})` : ""}. Leave blank to keep it.`
            : hint.needsApiKey
              ? "Required for this kind."
              : "Optional."
        }
      >
        <Input
          id={id("apiKey")}
          name="apiKey"
          type="password"
          autoComplete="off"
          maxLength={4096}
          invalid={!!fields.apiKey}
          aria-describedby={described("apiKey")}
        />
      </Field>
      {provider?.hasSecret && (
        <label className="flex items-center gap-2 text-sm text-stone-700">
          <input type="checkbox" name="clearApiKey" /> Remove the stored API key
        </label>
      )}
      <div className="grid grid-cols-2 gap-3">
        <Field
          label="Calls at once"
          name={id("concurrencyLimit")}
          error={fields.concurrencyLimit}
          hint="Enforced across all app processes; capped by KILN_PROVIDER_CONCURRENCY. A change applies to waiting work within a second."
        >
          <Input
            id={id("concurrencyLimit")}
            name="concurrencyLimit"
            type="number"
            min={1}
            max={256}
            defaultValue={provider ? provider.concurrencyLimit : 2}
            invalid={!!fields.concurrencyLimit}
          />
        </Field>
        <Field label="Timeout (seconds)" name={id("timeoutSeconds")} error={fields.timeoutMs}>
          <Input
            id={id("timeoutSeconds")}
            name="timeoutSeconds"
            type="number"
            min={1}
            max={1800}
            defaultValue={provider ? provider.timeoutMs / 1000 : 120}
            invalid={!!fields.timeoutMs}
          />
        </Field>
      </div>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending} className={provider ? "" : "w-full"}>
          {pending ? "Saving…" : provider ? "Save endpoint" : "Add endpoint"}
        </Button>
        {provider && (
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
