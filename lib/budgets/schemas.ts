import { z } from "zod";
import { BUDGET_PERIODS, BUDGET_SCOPES } from "@/db/schema";

const micros = z
  .number({ error: "Enter an amount." })
  .int("Money is whole micro-dollars.")
  .min(1, "The limit must be more than $0.")
  .max(Number.MAX_SAFE_INTEGER)
  .nullable();
const images = z
  .number({ error: "Enter a number of images." })
  .int("Whole images only.")
  .min(1, "The quota must be at least 1 image.")
  .max(10_000_000)
  .nullable();

/** The limits a budget holds; shared by create and edit. */
const limits = z.object({
  limitMicros: micros.default(null),
  limitImages: images.default(null),
  softLimitPercent: z.number().int().min(1, "Between 1 and 100%.").max(100, "Between 1 and 100%.").default(80),
  stopLossRejectPercent: z
    .number()
    .int()
    .min(1, "Between 1 and 100%.")
    .max(100, "Between 1 and 100%.")
    .nullable()
    .default(null),
  stopLossWindow: z
    .number()
    .int()
    .min(3, "At least the last 3 assets.")
    .max(1000, "At most the last 1,000 assets.")
    .nullable()
    .default(null),
});

function checkLimits(v: z.infer<typeof limits>, ctx: z.RefinementCtx, scope?: string) {
  if (v.limitMicros === null && v.limitImages === null)
    ctx.addIssue({ code: "custom", path: ["limitMicros"], message: "Set a spend limit, an image quota, or both." });
  if ((v.stopLossRejectPercent === null) !== (v.stopLossWindow === null))
    ctx.addIssue({
      code: "custom",
      path: ["stopLossWindow"],
      message: "A stop-loss needs both a reject rate and a number of assets.",
    });
  if (scope && scope !== "campaign" && v.stopLossRejectPercent !== null)
    ctx.addIssue({
      code: "custom",
      path: ["stopLossRejectPercent"],
      message: "Stop-loss applies to campaign budgets only.",
    });
}

export const createBudgetInput = limits
  .extend({
    scope: z.enum(BUDGET_SCOPES, { error: "Pick what the budget covers." }),
    scopeKey: z.string().trim().min(1, "Pick a campaign, team or user.").max(80),
    period: z.enum(BUDGET_PERIODS, { error: "Pick a period." }),
  })
  .superRefine((v, ctx) => {
    checkLimits(v, ctx, v.scope);
    if (v.scope !== "campaign" && !z.string().uuid().safeParse(v.scopeKey).success)
      ctx.addIssue({ code: "custom", path: ["scopeKey"], message: "Pick a team or user from the list." });
  });

export const updateBudgetInput = limits
  .extend({ budgetId: z.string().uuid("Unknown budget."), active: z.boolean().default(true) })
  .superRefine((v, ctx) => checkLimits(v, ctx));

export const deactivateBudgetInput = z.object({ budgetId: z.string().uuid("Unknown budget.") });
