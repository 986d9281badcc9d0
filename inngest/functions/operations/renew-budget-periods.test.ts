/**
 * The roll-over function wakes budget-held work when a period began for a budget that had run out
 * (lib/budgets/rollover.ts decides which; tested there on a real database), and stays quiet otherwise.
 */
import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { renewBudgetPeriodsFn } from "./renew-budget-periods";

function run(renewed: Array<{ label: string }>) {
  return new InngestTestEngine({
    function: renewBudgetPeriodsFn,
    events: [{ name: "inngest/scheduled.timer", data: { cron: "*/15 * * * *" } }],
    steps: [
      { id: "renew", handler: () => renewed },
      { id: "wake-held-work", handler: () => ({ ids: ["woken"] }) },
    ],
  }).execute();
}

describe("the budget period roll-over function", () => {
  it("sends kiln/generation.resumed (scope budgets) when a budget starts a new period", async () => {
    const { result, ctx } = await run([{ label: "campaign Spring" }]);
    expect(result).toEqual({ renewed: 1 });
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "wake-held-work",
      expect.objectContaining({ name: "kiln/generation.resumed", data: { scope: "budgets" } }),
    );
  });

  it("sends nothing when no budget was renewed", async () => {
    const { result, ctx } = await run([]);
    expect(result).toEqual({ renewed: 0 });
    expect(ctx.step.sendEvent).not.toHaveBeenCalled();
  });
});
