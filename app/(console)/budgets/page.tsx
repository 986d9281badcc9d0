import type { Metadata } from "next";
import { AlertsList } from "@/components/budgets/alerts-list";
import { BudgetForm } from "@/components/budgets/budget-form";
import { BudgetList } from "@/components/budgets/budget-list";
import { HoldsList } from "@/components/budgets/holds-list";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { CampaignPauseForm } from "@/components/operations/campaign-pause-form";
import {
  budgetScopeOptions,
  knownCampaigns,
  listActiveHolds,
  listBudgetStatuses,
  listRecentAlerts,
} from "@/lib/budgets";

export const metadata: Metadata = { title: "Budgets" };

export default async function BudgetsPage() {
  const ctx = await requirePageCtx("budgets.manage");
  const [statuses, options, holds, alerts, campaigns] = await Promise.all([
    listBudgetStatuses({ ctx }),
    budgetScopeOptions({ ctx }),
    listActiveHolds({ ctx }),
    listRecentAlerts({ ctx }),
    knownCampaigns({ ctx }),
  ]);
  const labels = Object.fromEntries(statuses.map((s) => [s.id, s.label]));
  return (
    <>
      <PageHeader
        title="Budgets"
        description="Spend limits and image quotas per campaign, team or user. Queueing beyond one is refused; work that reaches one waits before the GPU is called, and goes on when the budget is raised, the period rolls over or a hold is released."
      />
      <div className="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          <BudgetList statuses={statuses} options={options} />
          <Card title="Campaigns on hold" description="Their queued work waits; nothing is dropped.">
            <HoldsList holds={holds} />
          </Card>
          <Card title="Recent alerts">
            <AlertsList alerts={alerts} labels={labels} />
          </Card>
        </div>
        <div className="space-y-6">
          <Card
            title="Add a budget"
            description="Amounts in dollars, stored exactly as micro-dollars. Periods are UTC calendar periods."
          >
            <BudgetForm options={options} />
          </Card>
          <Card
            title="Pause a campaign"
            description="Its queued work waits before the next GPU call (nothing is dropped) until you release it above."
          >
            <CampaignPauseForm campaigns={campaigns} />
          </Card>
        </div>
      </div>
    </>
  );
}
