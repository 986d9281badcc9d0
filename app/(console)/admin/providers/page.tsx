import type { Metadata } from "next";
import { ProviderForm } from "@/components/admin/providers/provider-form";
import { ProvidersTable } from "@/components/admin/providers/providers-table";
import type { KindHint } from "@/components/admin/providers/types";
import { EndpointHealthTable } from "@/components/operations/endpoint-health-table";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { env } from "@/lib/env";
import { listEndpointHealth } from "@/lib/operations/overview";
import { listFallbackPresets, listProvidersForAdmin } from "@/lib/providers/admin-list";
import { PROVIDER_CAPABILITIES } from "@/lib/providers/registry";
import { PROVIDER_KINDS } from "@/lib/providers/types";

export const metadata: Metadata = { title: "GPU endpoints" };

export default async function ProvidersPage() {
  const ctx = await requirePageCtx("providers.manage");
  const [providers, presets, health] = await Promise.all([
    listProvidersForAdmin({ ctx }),
    listFallbackPresets({ ctx }),
    listEndpointHealth({ ctx }),
  ]);
  // The registry is server code (it imports every adapter); the browser gets plain hints.
  const kinds: KindHint[] = PROVIDER_KINDS.map((kind) => {
    const d = PROVIDER_CAPABILITIES[kind];
    return {
      kind,
      label: d.label,
      capabilities: [...d.capabilities],
      needsApiKey: d.needsApiKey,
      defaultBaseUrl: d.defaultBaseUrl ?? null,
      modelHint: d.modelHint,
      notes: d.notes ?? null,
    };
  });
  return (
    <>
      <PageHeader
        title="GPU endpoints"
        description={`Where Kiln sends generation work. Pausing an endpoint parks its queued work (nothing is dropped); move that work to a fallback preset to keep it going elsewhere. API keys are stored encrypted and never shown again. Each endpoint gets at most its own "calls at once", across every app process; ${env().KILN_PROVIDER_CONCURRENCY} is the ceiling for any endpoint (KILN_PROVIDER_CONCURRENCY).`}
      />
      <div className="grid gap-6 2xl:grid-cols-[1fr_24rem]">
        <Card title={`${providers.length} ${providers.length === 1 ? "endpoint" : "endpoints"}`}>
          <ProvidersTable
            providers={providers.map((p) => ({
              ...p,
              pausedSince: p.pausedSince?.toISOString() ?? null,
              updatedAt: p.updatedAt.toISOString(),
            }))}
            presets={presets}
            kinds={kinds}
          />
        </Card>
        <Card
          title="Add GPU endpoint"
          description="Kiln checks the URL before saving: no cloud metadata or link-local addresses, private ones only when you allow them."
        >
          <ProviderForm kinds={kinds} />
        </Card>
        <Card
          className="2xl:col-span-2"
          title="Automatic failover"
          description="Health is checked every minute (a probe and the recent error rate). When an endpoint turns unhealthy, its queued work of the fallback preset's tier moves there. Also on Operations."
        >
          <EndpointHealthTable endpoints={health.endpoints} presets={health.presets} />
        </Card>
      </div>
    </>
  );
}
