import type { Metadata } from "next";
import { AlertRulesPanel } from "@/components/admin/alerts/alert-rules-panel";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { requirePageCtx } from "@/lib/auth/guard";
import { alertFormOptions, listAlertEvents, listAlertRules } from "@/lib/operations/alerts/rules";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const ctx = await requirePageCtx("alerts.manage");
  const [rules, events, options] = await Promise.all([
    listAlertRules({ ctx }),
    listAlertEvents({ ctx }),
    alertFormOptions({ ctx }),
  ]);
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules that warn the admins when a GPU endpoint fails too often, generations get slow, the review queue falls behind or spending runs fast: in the app, by webhook and by e-mail."
      />
      <AlertRulesPanel rules={rules} endpoints={options.endpoints} emailConfigured={options.emailConfigured} />
      <Card
        title="Recent alert events"
        description="Each time a rule started firing or resolved, and where it was announced."
        className="mt-6"
      >
        {events.length === 0 ? (
          <p className="text-sm text-stone-500">Nothing has fired yet.</p>
        ) : (
          <Table columns={["When", "Rule", "Event", "Value", "Announced"]}>
            {events.map((e) => (
              <tr key={e.id} data-testid="alert-event" data-state={e.state}>
                <td className="whitespace-nowrap py-2 pr-3 text-stone-500">{e.occurredAt}</td>
                <td className="py-2 pr-3">
                  <div className="font-medium">{e.ruleName}</div>
                  <div className="text-xs text-stone-500">{e.message}</div>
                </td>
                <td className="py-2 pr-3">
                  {e.state === "fired" ? <Badge tone="bad">Fired</Badge> : <Badge tone="good">Resolved</Badge>}
                </td>
                <td className="whitespace-nowrap py-2 pr-3">{e.value}</td>
                <td className="py-2 pr-3 text-xs text-stone-600">{e.notified}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
