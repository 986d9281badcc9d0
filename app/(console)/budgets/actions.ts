"use server";

import { revalidatePath } from "next/cache";
import type { Budget, CampaignHold } from "@/db/schema";
import { createBudget, deactivateBudget, holdCampaignByHand, releaseHold, updateBudget } from "@/lib/budgets";
import { budgetFormToInput } from "@/lib/budgets/form-input";
import { guardedAction, type ActionResult } from "@/lib/http/action";
import { sendGenerationResumed } from "@/inngest/send";

function done<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath("/budgets");
  return result;
}

/** Holds show in the status banner of every page (the console layout). */
function holdDone<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

const FIELDS = [
  "budgetId",
  "scope",
  "scopeKey",
  "period",
  "limitDollars",
  "limitImages",
  "softLimitPercent",
  "stopLossRejectPercent",
  "stopLossWindow",
  "active",
];

/** Create or edit, from the budget form (a budgetId means edit). */
export async function saveBudgetAction(_prev: unknown, formData: FormData): Promise<ActionResult<Budget>> {
  const form = Object.fromEntries(FIELDS.map((k) => [k, formData.get(k)]));
  return done(
    await guardedAction(
      "budgets.manage",
      (ctx) => {
        const input = budgetFormToInput(form);
        return form.budgetId
          ? updateBudget({ ctx, input, resumed: sendGenerationResumed })
          : createBudget({ ctx, input });
      },
      form.budgetId ? "Budget saved." : "Budget created.",
    ),
  );
}

export async function deactivateBudgetAction(budgetId: string): Promise<ActionResult<Budget>> {
  return done(
    await guardedAction(
      "budgets.manage",
      (ctx) => deactivateBudget({ ctx, input: { budgetId }, resumed: sendGenerationResumed }),
      "Budget deactivated.",
    ),
  );
}

export async function releaseHoldAction(holdId: string): Promise<ActionResult<CampaignHold>> {
  return holdDone(
    await guardedAction(
      "budgets.manage",
      (ctx) => releaseHold({ ctx, input: { holdId }, resumed: sendGenerationResumed }),
      "Hold released: the campaign's work goes on.",
    ),
  );
}

export async function holdCampaignAction(campaign: string, detail: string): Promise<ActionResult<CampaignHold>> {
  return holdDone(
    await guardedAction(
      "budgets.manage",
      (ctx) => holdCampaignByHand({ ctx, input: { campaign, detail } }),
      `Campaign “${campaign.trim()}” paused: its queued work waits until you release it.`,
    ),
  );
}
