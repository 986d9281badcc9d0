import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { auditEvents, budgetAlerts, costLedger, notifications } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { createUserFactory, ctxFor } from "@/test/factories";
import { raiseBudgetAlerts } from "./alerts";
import { waitReason } from "./gate";
import { createBudget } from "./manage";
import { periodBounds } from "./period";
import { renewBudgetPeriods } from "./rollover";
import { budgetStatuses } from "./status";
import { budgets } from "@/db/schema";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe("budget period roll-over", () => {
  it("announces once, to the budget's recipients and in the audit log, that a budget which ran out starts a new period, and its work goes on", async () => {
    const { db } = database;
    const finance = await createUserFactory(db, { role: "finance" });
    const designer = await createUserFactory(db, { role: "designer" });
    const bystander = await createUserFactory(db, { role: "designer" });
    const quiet = await createUserFactory(db, { role: "designer" });
    const ctx = ctxFor(db, finance);
    const spent = await createBudget({
      ctx,
      input: { scope: "user", scopeKey: designer.id, period: "day", limitMicros: 5_000 },
    });
    // A budget that never ran out is not announced every midnight.
    await createBudget({ ctx, input: { scope: "user", scopeKey: quiet.id, period: "day", limitMicros: 5_000 } });

    const now = new Date();
    const today = periodBounds("day", now);
    const yesterday = new Date(today.start.getTime() - 3600_000);
    await db.insert(costLedger).values({
      callKey: "yesterday-1",
      userId: designer.id,
      operation: "generate",
      outcome: "succeeded",
      billable: true,
      micros: 6_000,
      createdAt: new Date(yesterday.getTime() - 3600_000),
    });
    const [row] = await db.select().from(budgets).where(eq(budgets.id, spent.id));
    // Yesterday it ran out (the gate's own alert), and its work waited.
    expect(await raiseBudgetAlerts(db, await budgetStatuses(db, [row!], yesterday))).toBe(2);
    expect((await budgetStatuses(db, [row!], yesterday))[0]!.state).toBe("exhausted");

    const renewed = await renewBudgetPeriods({ db, now });
    expect(renewed).toEqual([
      {
        budgetId: spent.id,
        label: `user ${designer.name}`,
        periodStart: today.start.toISOString(),
        previousSpentMicros: 6_000,
      },
    ]);
    // Today the same work goes on: nothing spent in this period.
    expect((await waitReason(db, { campaign: null, userId: designer.id })).reason).toBeNull();

    const told = await db.select().from(notifications).where(eq(notifications.kind, "budget.renewed"));
    expect(told.map((n) => n.userId).sort()).toEqual([finance.id, designer.id].sort());
    expect(told.every((n) => n.userId !== bystander.id)).toBe(true);
    expect(told[0]!.message).toMatch(
      /starts a new period with \$0\.005? to spend\. Work that waited on it goes on\. Last period: \$0\.006 of \$0\.005 spent\./,
    );
    const [entry] = await db.select().from(auditEvents).where(eq(auditEvents.action, "budget.period_renewed"));
    expect(entry).toMatchObject({
      subjectType: "budget",
      subjectId: spent.id,
      data: { previousSpentMicros: 6_000, periodStart: today.start.toISOString() },
    });

    // Overlapping or repeated runs announce nothing more.
    expect(await Promise.all([renewBudgetPeriods({ db, now }), renewBudgetPeriods({ db, now })])).toEqual([[], []]);
    expect(await db.select().from(notifications).where(eq(notifications.kind, "budget.renewed"))).toHaveLength(2);
    expect(
      await db
        .select()
        .from(budgetAlerts)
        .where(and(eq(budgetAlerts.budgetId, spent.id), eq(budgetAlerts.level, "renewed"))),
    ).toHaveLength(1);
  });
});
