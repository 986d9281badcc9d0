"use client";

import { useState, useTransition } from "react";
import { saveAltTextSettingsAction, testAltTextEngineAction } from "@/app/(console)/admin/alt-text/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { AltTextSettingsView, EngineTestResult } from "@/lib/alt-text/settings";

/** Engine, the endpoint it calls (only endpoints of the engine's kind) and its model; Save and Test. */
export function AltTextSettingsForm({ view }: { view: AltTextSettingsView }) {
  const [engine, setEngine] = useState<string>(view.engine);
  const info = view.engines.find((e) => e.id === engine);
  const fitting = view.providers.filter((p) => p.kind === info?.providerKind);
  const [providerId, setProviderId] = useState<string>(view.providerId ?? "");
  const [model, setModel] = useState(view.model ?? "");
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [test, setTest] = useState<EngineTestResult | null>(null);
  const chosenProvider = fitting.some((p) => p.id === providerId) ? providerId : (fitting[0]?.id ?? "");
  const fields = () => ({
    engine,
    providerId: engine === "off" ? null : chosenProvider || null,
    model: engine === "off" ? null : model.trim() || null,
  });

  return (
    <form
      className="space-y-4"
      data-testid="alt-text-settings"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await saveAltTextSettingsAction(fields());
          setResult(r.ok ? { ok: true, text: "Saved." } : { ok: false, text: r.error.message });
        });
      }}
    >
      <div className="grid gap-4 md:grid-cols-3">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-stone-700">Engine</span>
          <select
            className="w-full rounded-md border border-stone-300 px-2 py-2"
            value={engine}
            onChange={(e) => setEngine(e.target.value)}
          >
            <option value="off">Off — people write alt text themselves</option>
            {view.engines.map((e) => (
              <option key={e.id} value={e.id}>
                {e.label}
              </option>
            ))}
          </select>
        </label>
        {engine !== "off" && (
          <label className="text-sm">
            <span className="mb-1 block font-medium text-stone-700">Endpoint</span>
            <select
              className="w-full rounded-md border border-stone-300 px-2 py-2"
              value={chosenProvider}
              onChange={(e) => setProviderId(e.target.value)}
            >
              {fitting.length === 0 && <option value="">No {info?.providerKind} endpoint yet</option>}
              {fitting.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.isSimulator ? " (simulator)" : ""}
                  {p.paused ? " — paused" : ""}
                </option>
              ))}
            </select>
          </label>
        )}
        {engine !== "off" && (
          <label className="text-sm">
            <span className="mb-1 block font-medium text-stone-700">Model</span>
            <input
              className="w-full rounded-md border border-stone-300 px-2 py-2"
              value={model}
              placeholder={info?.defaultModel}
              onChange={(e) => setModel(e.target.value)}
            />
            <span className="mt-1 block text-xs text-stone-500">{info?.modelHint}. Empty: the default.</span>
          </label>
        )}
      </div>
      {engine !== "off" && fitting.length === 0 && (
        <Alert tone="info">
          Add a {info?.providerKind} endpoint under GPU endpoints first; the engine uses its URL and key.
        </Alert>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={pending || (engine !== "off" && !chosenProvider)}>
          Save
        </Button>
        {engine !== "off" && (
          <Button
            type="button"
            variant="secondary"
            disabled={pending || !chosenProvider}
            onClick={() =>
              start(async () => {
                setTest(null);
                const r = await testAltTextEngineAction(fields());
                setTest(r.ok ? r.data : { ok: false, message: r.error.message });
              })
            }
          >
            {pending ? "Working…" : "Test"}
          </Button>
        )}
        {view.updatedBy && view.updatedAt && (
          <span className="text-xs text-stone-500">
            Last changed by {view.updatedBy} on{" "}
            {new Date(view.updatedAt).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })}
          </span>
        )}
      </div>
      {result && <Alert tone={result.ok ? "success" : "error"}>{result.text}</Alert>}
      {test && (
        <div data-testid="alt-text-test">
          {test.ok ? (
            <Alert tone="success">
              <span className="block">
                Draft for the sample picture (a red ball and a grey block on grass under a blue sky):{" "}
                <strong>{test.altText}</strong>
              </span>
              <span className="mt-1 block text-xs">
                {test.engine} · {test.model} · {(test.ms / 1000).toFixed(1)} s · raw caption: “{test.caption}”
              </span>
            </Alert>
          ) : (
            <Alert tone="error">The test failed: {test.message}</Alert>
          )}
        </div>
      )}
    </form>
  );
}
