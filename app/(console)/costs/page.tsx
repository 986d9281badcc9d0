import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { BudgetVsActual } from "@/components/budgets/budget-vs-actual";
import { BreakdownChart, CostPerUsableChart, RejectRateChart, SpendChart } from "@/components/costs/charts";
import { CostTabs } from "@/components/costs/cost-tabs";
import { ExportLink } from "@/components/costs/export-link";
import { FilterBar } from "@/components/costs/filter-bar";
import { money } from "@/components/costs/format";
import { GroupTable } from "@/components/costs/group-table";
import { HeadlineTiles } from "@/components/costs/headline-tiles";
import { ReasonsTable } from "@/components/costs/reasons-table";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listBudgetsForCosts } from "@/lib/budgets/manage";
import { can } from "@/lib/auth/permissions";
import { GROUP_DIMENSION_NAMES, getCostReport, type CostReport } from "@/lib/costs/report";
import { OUTCOME_LABELS } from "@/lib/costs/report/labels";
import { AppError } from "@/lib/errors";

export const metadata: Metadata = { title: "Costs" };

const GROUP_LABELS: Record<string, string> = {
  model: "Model",
  tier: "Tier",
  preset: "Preset",
  campaign: "Campaign",
  user: "User",
  team: "Team",
};

export default async function CostsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePageCtx("costs.view");
  const raw = await searchParams;
  const input = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"));
  let report: CostReport;
  try {
    report = await getCostReport({ ctx, input });
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== "invalid_input" && error.code !== "forbidden")) throw error;
    return (
      <>
        <PageHeader title="Costs" />
        <Alert tone="error">
          {error.message}{" "}
          <Link href="/costs" className="font-medium underline">
            Show the last 30 days without filters
          </Link>
          .
        </Alert>
      </>
    );
  }
  const { totals, params, breakdown } = report;
  const budgetStatuses = await listBudgetsForCosts({ ctx });
  const empty = totals.calls === 0 && totals.approved === 0 && totals.rejected === 0;
  const keep: Record<string, string> = report.groupBy === "model" ? {} : { by: report.groupBy };
  return (
    <>
      <PageHeader
        title="Costs"
        description={`${report.filters.from} to ${report.filters.to} (UTC). Cost per usable asset = spend on the assets' lineages (first attempts, retries, re-rolls, edits, rejects) ÷ assets approved.`}
        actions={<ExportLink table="totals" params={params} label="Download summary CSV" />}
      />
      <CostTabs active="overview" operations={can(ctx.actor.role, "costs.operations")} />
      {report.scope.kind !== "all" && (
        <div className="mb-4">
          <Alert tone="info">
            {report.scope.kind === "team"
              ? "You see the costs of your team's work."
              : "You are in no team, so you see the costs of your own work."}{" "}
            Finance and admins see every team.
          </Alert>
        </div>
      )}
      <div className="mb-5">
        <FilterBar params={params} options={report.options} keep={keep} />
      </div>

      {empty ? (
        <div
          className="rounded-lg border border-dashed border-stone-300 bg-white px-6 py-12 text-center text-sm text-stone-600"
          data-testid="costs-empty"
        >
          <p className="font-medium text-stone-800">
            Nothing was spent in this range{report.filtered ? " for these filters" : ""}.
          </p>
          <p className="mt-1">
            Costs appear as soon as a GPU endpoint is called.{" "}
            {can(ctx.actor.role, "generations.create") ? (
              <Link href="/generate" className="font-medium text-kiln-700 hover:underline">
                Queue a batch
              </Link>
            ) : (
              "Designers queue batches on the Generate page"
            )}
            , widen the date range, or{" "}
            <Link href="/costs" className="font-medium text-kiln-700 hover:underline">
              reset the filters
            </Link>
            .
          </p>
        </div>
      ) : (
        <div className="space-y-5">
          <HeadlineTiles totals={totals} filtered={report.filtered} />

          <div className="grid gap-5 lg:grid-cols-3">
            <Card title="Spend per day" actions={<ExportLink table="daily" params={params} label="CSV" />}>
              <SpendChart series={report.series} />
            </Card>
            <Card title="Cost per usable asset" description="That day's lineage spend ÷ that day's approvals">
              <CostPerUsableChart series={report.series} />
            </Card>
            <Card title="Reject and retry rates" description="Rejected ÷ decided assets; retries ÷ generation calls">
              <RejectRateChart series={report.series} />
            </Card>
          </div>

          <Card
            title="Budget vs actual"
            description="This period's spend per budget, with the linear forecast to period end"
          >
            <BudgetVsActual statuses={budgetStatuses} />
          </Card>

          <div className="grid gap-5 lg:grid-cols-5">
            <Card
              className="lg:col-span-3"
              title="Where the money went"
              description={`${money(breakdown.rejectedMicros)} was spent on work that ended rejected`}
              actions={<ExportLink table="breakdown" params={params} label="CSV" />}
            >
              <BreakdownChart cells={breakdown.cells} />
            </Card>
            <Card
              className="lg:col-span-2"
              title="By outcome"
              description="What became of the images the money was spent on"
            >
              <ul className="divide-y divide-stone-100 text-sm" data-testid="outcome-list">
                {breakdown.byOutcome.map((o) => (
                  <li key={o.outcome} className="flex justify-between py-1.5">
                    <span className={o.outcome === "rejected" ? "font-medium text-red-700" : "text-stone-700"}>
                      {OUTCOME_LABELS[o.outcome]}
                    </span>
                    <span className="tabular-nums text-stone-900">{money(o.micros)}</span>
                  </li>
                ))}
              </ul>
            </Card>
          </div>

          <Card
            title="Spend and cost per usable asset by group"
            actions={
              <ExportLink
                table={report.groupBy}
                params={params}
                label={`CSV by ${GROUP_LABELS[report.groupBy]!.toLowerCase()}`}
              />
            }
          >
            <nav className="mb-3 flex flex-wrap gap-2" aria-label="Group by">
              {GROUP_DIMENSION_NAMES.map((d) => (
                <Link
                  key={d}
                  href={`/costs?${new URLSearchParams({ ...params, ...(d === "model" ? {} : { by: d }) })}`}
                  aria-current={d === report.groupBy ? "true" : undefined}
                  className={`rounded-full px-3 py-1 text-sm ${d === report.groupBy ? "bg-kiln-600 text-white" : "bg-stone-100 text-stone-700 hover:bg-stone-200"}`}
                >
                  {GROUP_LABELS[d]}
                </Link>
              ))}
            </nav>
            <GroupTable rows={report.groups} dimension={report.groupBy} />
          </Card>

          <Card
            title="Top reject reasons"
            description="Assets rejected in the range, and what the rejected images cost"
            actions={<ExportLink table="reasons" params={params} label="CSV" />}
          >
            <ReasonsTable rows={report.reasons} />
          </Card>
        </div>
      )}
    </>
  );
}
