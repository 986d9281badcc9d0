"use client";

import { missingRequired } from "@/lib/templates/missing";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useDeferredValue, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import type { GenerateOptions } from "@/lib/generation/generate-options";
import { api, RequestError } from "@/components/api-client";
import { CsvPanel, type CsvRows } from "./csv-panel";
import { EstimatePanel, type EstimateView } from "./estimate-panel";
import { ReferencePicker, type ChosenReference } from "./reference-picker";
import { initialValues, VariableFields } from "./variable-fields";

const TIER_HELP: Record<string, string> = {
  draft: "Mock-ups and layout exploration",
  support: "Social, blog headers, A/B variants",
  hero: "Long-lived brand assets",
};

export function GenerateForm({ options }: { options: GenerateOptions }) {
  const router = useRouter();
  const [templateId, setTemplateId] = useState(options.templates[0]!.id);
  const template = options.templates.find((t) => t.id === templateId)!;
  const [presetId, setPresetId] = useState(
    options.presets.find((p) => p.tier === "draft")?.id ?? options.presets[0]!.id,
  );
  const [mode, setMode] = useState<"single" | "csv">("single");
  const [values, setValues] = useState(() => initialValues(template.definition.variables));
  const [csv, setCsv] = useState<CsvRows | null>(null);
  const [variantsPerRow, setVariants] = useState(1);
  const [aspectRatios, setRatios] = useState<string[]>(["1:1"]);
  const [name, setName] = useState("");
  const [campaign, setCampaign] = useState("");
  const [reference, setReference] = useState<ChosenReference | null>(null);
  const [strength, setStrength] = useState(0.6);
  const preset = options.presets.find((p) => p.id === presetId)!;
  // One key per queue intent: a double click or a retried request queues once.
  const [idempotencyKey, setKey] = useState(() => crypto.randomUUID());

  const rows = useMemo(() => (mode === "single" ? [{ line: 1, values }] : (csv?.rows ?? [])), [mode, values, csv]);
  const request = useMemo(
    () => ({
      templateId,
      presetId,
      variantsPerRow,
      aspectRatios,
      source: mode === "single" ? "form" : "csv",
      rows,
      ...(mode === "csv" && csv?.valueMap ? { valueMap: csv.valueMap } : {}),
      name: name || undefined,
      campaign: campaign || undefined,
      reference: reference ? { versionId: reference.versionId, strength } : undefined,
    }),
    [templateId, presetId, variantsPerRow, aspectRatios, mode, rows, csv, name, campaign, reference, strength],
  );
  const deferred = useDeferredValue(request);
  // One prompt with a required field still empty cannot be estimated: say what to fill instead of asking.
  const missing = mode === "single" ? missingRequired(template.definition.variables, values) : [];
  const estimate = useQuery({
    queryKey: ["estimate", deferred],
    queryFn: () => api<{ estimate: EstimateView }>("/api/batches/estimate", { json: deferred }).then((r) => r.estimate),
    enabled: deferred.rows.length > 0 && deferred.aspectRatios.length > 0 && missing.length === 0,
    retry: false,
    placeholderData: (prev) => prev,
  });
  const queue = useMutation({
    mutationFn: () =>
      api<{ batch: { id: string }; started: boolean; message?: string }>("/api/batches", {
        // The rows left out in the browser are recorded with the batch (job page, error CSV); only Queue sends them.
        json: {
          ...request,
          idempotencyKey,
          ...(mode === "csv" && csv?.skipped.length ? { skipped: csv.skipped } : {}),
        },
      }),
    onSuccess: (r) => {
      setKey(crypto.randomUUID());
      router.push(`/jobs/${r.batch.id}${r.started ? "" : "?engine=unreachable"}`);
    },
  });

  const switchTemplate = (id: string) => {
    setTemplateId(id);
    setValues(initialValues(options.templates.find((t) => t.id === id)!.definition.variables));
    setCsv(null);
  };
  // For one prompt, the row's own messages read better than the batch summary ("line 1: …").
  const rowMessages =
    mode === "single" && estimate.error instanceof RequestError ? estimate.error.error.fields?.["line 1"] : undefined;
  const estimateError = rowMessages
    ? rowMessages.map((m) => m.replace(/^[a-z_]+: /, "")).join(" ")
    : estimate.error instanceof RequestError
      ? estimate.error.message
      : estimate.error
        ? "Could not estimate."
        : undefined;

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem] [&>*]:min-w-0">
      <div className="space-y-6">
        <Card title="1. Template">
          <Field label="Prompt template" name="template">
            <Select id="template" value={templateId} onChange={(e) => switchTemplate(e.target.value)}>
              {options.templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} (v{t.version})
                </option>
              ))}
            </Select>
          </Field>
          <p className="mt-2 text-sm text-stone-500">{template.description}</p>
        </Card>
        <Card title="2. Tier">
          <div role="radiogroup" aria-label="Preset" className="grid gap-3 sm:grid-cols-3">
            {options.presets.map((p) => (
              <label
                key={p.id}
                className={`cursor-pointer rounded-lg border p-3 text-sm ${presetId === p.id ? "border-kiln-500 bg-kiln-50" : "border-stone-200 hover:border-stone-300"}`}
              >
                <input
                  type="radio"
                  name="preset"
                  value={p.id}
                  checked={presetId === p.id}
                  onChange={() => setPresetId(p.id)}
                  className="sr-only"
                  aria-label={p.name}
                />
                <div className="flex items-center justify-between gap-2">
                  <Badge tone="accent">{p.tier}</Badge>
                  {p.isSimulator && <Badge tone="warn">simulator</Badge>}
                  {p.paused && <Badge tone="bad">paused</Badge>}
                </div>
                <div className="mt-2 font-medium">{p.name}</div>
                <div className="text-xs text-stone-500">{TIER_HELP[p.tier]}</div>
                <div className="mt-1 text-xs text-stone-500">
                  {p.size} · {p.price}
                </div>
              </label>
            ))}
          </div>
        </Card>
        <Card
          title="3. What to make"
          actions={
            <div role="tablist" className="flex rounded-md border border-stone-200 p-0.5 text-sm">
              {(["single", "csv"] as const).map((m) => (
                <button
                  key={m}
                  type="button"
                  role="tab"
                  aria-selected={mode === m}
                  onClick={() => setMode(m)}
                  className={`rounded px-3 py-1 ${mode === m ? "bg-kiln-600 text-white" : "text-stone-600"}`}
                >
                  {m === "single" ? "One prompt" : "CSV batch"}
                </button>
              ))}
            </div>
          }
        >
          {mode === "single" ? (
            <VariableFields
              variables={template.definition.variables}
              values={values}
              onChange={(n, v) => setValues((s) => ({ ...s, [n]: v }))}
            />
          ) : (
            <CsvPanel key={templateId} definition={template.definition} onRows={setCsv} />
          )}
          <div className="mt-6 grid gap-4 border-t border-stone-100 pt-4 sm:grid-cols-2">
            <Field label="Variants per row" name="variants" hint="Different seeds of the same prompt.">
              <Input
                name="variants"
                type="number"
                min={1}
                max={8}
                value={variantsPerRow}
                onChange={(e) => setVariants(Math.max(1, Math.min(8, Number(e.target.value) || 1)))}
              />
            </Field>
            <fieldset>
              <legend className="text-sm font-medium text-stone-700">Aspect ratios</legend>
              <div className="mt-2 flex flex-wrap gap-2">
                {options.aspectRatios.map((r) => (
                  <label key={r} className="flex items-center gap-1 text-sm">
                    <input
                      type="checkbox"
                      checked={aspectRatios.includes(r)}
                      onChange={(e) => setRatios((s) => (e.target.checked ? [...s, r] : s.filter((x) => x !== r)))}
                    />
                    {r}
                  </label>
                ))}
              </div>
            </fieldset>
            <ReferencePicker
              supported={preset.referenceImage}
              providerName={preset.provider}
              value={reference}
              strength={strength}
              onChange={setReference}
              onStrength={setStrength}
            />
            <Field label="Batch name (optional)" name="batch-name">
              <Input name="batch-name" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="Campaign (optional)" name="campaign">
              <Input name="campaign" maxLength={80} value={campaign} onChange={(e) => setCampaign(e.target.value)} />
            </Field>
          </div>
        </Card>
      </div>
      <div className="space-y-4 xl:sticky xl:top-8 xl:self-start">
        <Card title="Estimate">
          <EstimatePanel
            estimate={missing.length ? undefined : estimate.data}
            error={missing.length ? undefined : estimateError}
            loading={estimate.isFetching}
            hint={missing.length ? `Fill in ${missing.map((v) => v.label).join(", ")} to see the estimate.` : undefined}
          />
        </Card>
        {queue.error && (
          <div data-testid="queue-error">
            <Alert tone="error">{queue.error.message}</Alert>
          </div>
        )}
        <Button
          className="w-full"
          disabled={queue.isPending || !estimate.data || !!estimateError || rows.length === 0 || missing.length > 0}
          onClick={() => queue.mutate()}
        >
          {queue.isPending
            ? "Queueing…"
            : `Queue ${estimate.data ? estimate.data.images.toLocaleString("en-US") : ""} image${estimate.data?.images === 1 ? "" : "s"}`}
        </Button>
      </div>
    </div>
  );
}
