"use server";

import { revalidatePath } from "next/cache";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import {
  createAlertRule,
  deleteAlertRule,
  disableAlertRule,
  enableAlertRule,
  evaluateAlertsNow,
  updateAlertRule,
} from "@/lib/operations/alerts/rules";

function ruleFields(formData: FormData) {
  return {
    name: formData.get("name"),
    kind: formData.get("kind"),
    providerId: formData.get("providerId") ?? null,
    threshold: formData.get("threshold"),
    windowMinutes: formData.get("windowMinutes") ?? undefined,
    notifyInApp: formData.get("notifyInApp"),
    notifyWebhooks: formData.get("notifyWebhooks"),
    emailTo: formData.get("emailTo") ?? "",
  };
}

export async function saveAlertRuleAction(_prev: unknown, formData: FormData): Promise<ActionResult<{ id: string }>> {
  const id = formData.get("id");
  const result = await guardedAction(
    "alerts.manage",
    async (ctx) => {
      const rule = id
        ? await updateAlertRule({ ctx, input: { id, ...ruleFields(formData) } })
        : await createAlertRule({ ctx, input: ruleFields(formData) });
      return { id: rule.id };
    },
    id ? "Rule saved." : "Rule added. It is evaluated every minute.",
  );
  if (result.ok) revalidatePath("/admin/alerts");
  return result;
}

export async function setAlertRuleEnabledAction(id: string, enabled: boolean): Promise<ActionResult<unknown>> {
  const result = await guardedAction(
    "alerts.manage",
    (ctx) => (enabled ? enableAlertRule : disableAlertRule)({ ctx, input: { id } }),
    enabled ? "Rule enabled." : "Rule disabled.",
  );
  if (result.ok) revalidatePath("/admin/alerts");
  return result;
}

export async function deleteAlertRuleAction(id: string): Promise<ActionResult<void>> {
  const result = await guardedAction(
    "alerts.manage",
    (ctx) => deleteAlertRule({ ctx, input: { id } }),
    "Rule deleted.",
  );
  if (result.ok) revalidatePath("/admin/alerts");
  return result;
}

export async function evaluateAlertsNowAction(): Promise<
  ActionResult<{ evaluated: number; fired: number; resolved: number }>
> {
  const result = await guardedAction("alerts.manage", async (ctx) => {
    const s = await evaluateAlertsNow({ ctx });
    return { evaluated: s.evaluated, fired: s.fired.length, resolved: s.resolved.length };
  });
  if (result.ok) {
    const { evaluated, fired, resolved } = result.data;
    result.message = `Evaluated ${evaluated} rule${evaluated === 1 ? "" : "s"}: ${fired} started firing, ${resolved} resolved.`;
    revalidatePath("/admin/alerts");
    revalidatePath("/", "layout");
  }
  return result;
}
