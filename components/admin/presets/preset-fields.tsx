"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/field";
import { fid, TextArea, TextField, type Errors } from "@/components/admin/catalog/form-bits";

export type ProviderChoice = { id: string; name: string; kind: string; isSimulator: boolean; paused: boolean };
export type PresetDefaults = {
  providerId: string;
  model: string;
  loras: { name: string; weight: number }[];
  params: { width: number; height: number; steps: number; sampler: string; cfgScale: number };
  priceKind: "per_image" | "per_megapixel" | "per_gpu_second";
  /** Dollars as an exact decimal string (the server converts to integer micros). */
  priceAmount: string;
  expectedGpuSeconds: string;
  thresholds: string;
  rerollLimit: number;
};

const PRICE_KINDS = [
  { value: "per_image", label: "Per image", amount: "Price per image (USD)" },
  { value: "per_megapixel", label: "Per megapixel", amount: "Price per megapixel (USD)" },
  { value: "per_gpu_second", label: "Per GPU-second", amount: "Price per GPU-second (USD)" },
] as const;
const MAX_LORAS = 8;

/** The content of one preset version: provider, pinned model, LoRAs, parameters, price, thresholds. */
export function PresetFields({
  prefix,
  providers,
  defaults,
  errors,
}: {
  prefix: string;
  providers: ProviderChoice[];
  defaults: PresetDefaults;
  errors: Errors;
}) {
  const [kind, setKind] = useState<string>(defaults.priceKind);
  // Row keys are stable ids so removing a middle row keeps the others' typed values.
  const [rows, setRows] = useState(() => defaults.loras.map((l, i) => ({ key: i, ...l })));
  const [nextKey, setNextKey] = useState(defaults.loras.length);
  const priceError =
    errors["priceModel.amount"] ??
    errors["priceModel.microsPerImage"] ??
    errors["priceModel.microsPerMegapixel"] ??
    errors["priceModel.microsPerGpuSecond"];
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Provider" name={fid(prefix, "providerId")} error={errors.providerId}>
          <Select
            id={fid(prefix, "providerId")}
            name="providerId"
            defaultValue={defaults.providerId}
            invalid={!!errors.providerId}
          >
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.isSimulator ? " (simulator)" : ""}
                {p.paused ? " — paused" : ""}
              </option>
            ))}
          </Select>
        </Field>
        <TextField
          prefix={prefix}
          name="model"
          label="Model (version pinned)"
          defaultValue={defaults.model}
          error={errors.model}
          hint='e.g. sdxl-base-1.0 or owner/model:sha — never "latest".'
        />
      </div>

      <fieldset className="grid gap-4 sm:grid-cols-5">
        <legend className="mb-2 text-sm font-semibold text-stone-800">Parameters</legend>
        <TextField
          prefix={prefix}
          name="params.width"
          label="Width"
          inputMode="numeric"
          defaultValue={defaults.params.width}
          error={errors["params.width"]}
        />
        <TextField
          prefix={prefix}
          name="params.height"
          label="Height"
          inputMode="numeric"
          defaultValue={defaults.params.height}
          error={errors["params.height"]}
        />
        <TextField
          prefix={prefix}
          name="params.steps"
          label="Steps"
          inputMode="numeric"
          defaultValue={defaults.params.steps}
          error={errors["params.steps"]}
        />
        <TextField
          prefix={prefix}
          name="params.sampler"
          label="Sampler"
          defaultValue={defaults.params.sampler}
          error={errors["params.sampler"]}
        />
        <TextField
          prefix={prefix}
          name="params.cfgScale"
          label="CFG scale"
          inputMode="decimal"
          defaultValue={defaults.params.cfgScale}
          error={errors["params.cfgScale"]}
        />
      </fieldset>
      <p className="-mt-2 text-xs text-stone-500">Sizes are multiples of 64 from 256 to 2048; steps 1–150; CFG 1–30.</p>

      <fieldset className="space-y-2">
        <legend className="mb-2 text-sm font-semibold text-stone-800">LoRAs</legend>
        {rows.length === 0 && (
          <p className="text-xs text-stone-500">No LoRAs. Add up to {MAX_LORAS}, each with a weight from -2 to 2.</p>
        )}
        {rows.map((row, i) => (
          <div
            key={row.key}
            className="grid grid-cols-[1fr_8rem_auto] items-end gap-2"
            data-testid={`lora-row-${i + 1}`}
          >
            <TextField
              prefix={`${prefix}-${row.key}`}
              name={`loras.${i}.name`}
              label={`LoRA ${i + 1} name`}
              defaultValue={row.name}
              error={errors[`loras.${i}.name`]}
            />
            <TextField
              prefix={`${prefix}-${row.key}`}
              name={`loras.${i}.weight`}
              label={`LoRA ${i + 1} weight`}
              inputMode="decimal"
              defaultValue={row.weight}
              error={errors[`loras.${i}.weight`]}
            />
            <Button
              type="button"
              variant="ghost"
              onClick={() => setRows(rows.filter((r) => r.key !== row.key))}
              aria-label={`Remove LoRA ${i + 1}`}
            >
              Remove
            </Button>
          </div>
        ))}
        {errors.loras && <p className="text-xs text-red-700">{errors.loras[0]}</p>}
        {rows.length < MAX_LORAS && (
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              setRows([...rows, { key: nextKey, name: "", weight: 1 }]);
              setNextKey(nextKey + 1);
            }}
          >
            Add LoRA
          </Button>
        )}
      </fieldset>

      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-stone-800">Price model</legend>
        <Field label="Billed" name={fid(prefix, "priceModel.kind")} error={errors["priceModel.kind"]}>
          <Select
            id={fid(prefix, "priceModel.kind")}
            name="priceModel.kind"
            value={kind}
            onChange={(e) => setKind(e.target.value)}
          >
            {PRICE_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </Select>
        </Field>
        <TextField
          prefix={prefix}
          name="priceModel.amount"
          label={PRICE_KINDS.find((k) => k.value === kind)?.amount ?? "Price (USD)"}
          inputMode="decimal"
          defaultValue={defaults.priceAmount}
          error={priceError}
          hint="Dollars, up to 6 decimals (stored exactly as micro-dollars)."
        />
        {kind === "per_gpu_second" && (
          <TextField
            prefix={prefix}
            name="priceModel.expectedGpuSeconds"
            label="Expected GPU seconds per image"
            inputMode="decimal"
            defaultValue={defaults.expectedGpuSeconds}
            error={errors["priceModel.expectedGpuSeconds"]}
          />
        )}
      </fieldset>

      <TextArea
        prefix={prefix}
        name="checkThresholds"
        label="Check thresholds"
        rows={3}
        mono
        defaultValue={defaults.thresholds}
        error={errors.checkThresholds ?? Object.entries(errors).find(([k]) => k.startsWith("checkThresholds."))?.[1]}
        hint='One per line: "check.threshold = number", e.g. "sharpness.fail = 40". Empty uses the tier defaults; see Admin → Checks.'
      />
      <TextField
        prefix={prefix}
        name="rerollLimit"
        label="Automatic re-rolls"
        inputMode="numeric"
        defaultValue={defaults.rerollLimit}
        error={errors.rerollLimit}
        hint="When a check rejects an image, generate it again with a new seed up to this many times (0 = never). Each re-roll is billed."
      />
    </div>
  );
}
