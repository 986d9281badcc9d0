import type { Metadata } from "next";
import { HoldsList } from "@/components/budgets/holds-list";
import { CampaignPauseForm } from "@/components/operations/campaign-pause-form";
import { EndpointHealthTable } from "@/components/operations/endpoint-health-table";
import { SwitchesPanel } from "@/components/operations/switches-panel";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { env } from "@/lib/env";
import { operationsOverview } from "@/lib/operations/overview";

export const metadata: Metadata = { title: "Operations" };

export default async function OperationsPage() {
  const ctx = await requirePageCtx("operations.manage");
  const o = await operationsOverview({ ctx });
  const {
    KILN_FAILOVER_WINDOW_MINUTES: window,
    KILN_FAILOVER_MIN_CALLS: minCalls,
    KILN_FAILOVER_ERROR_PERCENT: percent,
  } = env();
  return (
    <>
      <PageHeader
        title="Operations"
        description="Kill switches take effect for the next upload or generation in every app process, are audited, and show in the banner every user sees. Nothing queued is dropped: it waits and goes on when switched back."
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Switches">
          <SwitchesPanel switches={o.switches.map((s) => ({ ...s, changedAt: s.changedAt?.toISOString() ?? null }))} />
        </Card>
        <Card
          title="Campaigns paused"
          description="Paused by hand or by a stop-loss. Their queued work waits; release to let it go on."
        >
          <div className="space-y-6">
            <HoldsList holds={o.holds} />
            <CampaignPauseForm campaigns={o.campaigns} />
          </div>
        </Card>
        <Card
          className="xl:col-span-2"
          title="Endpoint health and failover"
          description={`Checked every minute: a probe of the endpoint and its calls of the last ${window} minutes (unhealthy at ${percent}% failed of at least ${minCalls} calls, or a failed probe). An unhealthy endpoint's queued work moves to its fallback preset; the Jobs page shows each move.`}
        >
          <EndpointHealthTable endpoints={o.endpoints} presets={o.presets} />
        </Card>
      </div>
    </>
  );
}
