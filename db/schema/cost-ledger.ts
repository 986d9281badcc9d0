import { bigint, bigserial, boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { generations } from "./generations";
import { presetVersions } from "./preset-versions";
import { providers } from "./providers";
import { users } from "./users";

/**
 * Exactly one row per provider call, in integer micro-dollars. `callKey` (generation + attempt)
 * is unique, so a retried step that re-records the same call cannot write a second row.
 */
export const costLedger = pgTable(
  "cost_ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    callKey: text("call_key").notNull(),
    generationId: uuid("generation_id").references(() => generations.id),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => providers.id),
    presetVersionId: uuid("preset_version_id").references(() => presetVersions.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    operation: text("operation").notNull(), // generate | inpaint | upscale | remove_background
    outcome: text("outcome").notNull(), // succeeded | failed
    billable: boolean("billable").notNull(),
    micros: bigint("micros", { mode: "number" }).notNull(),
    errorKind: text("error_kind"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cost_ledger_call_key").on(t.callKey), index("cost_ledger_generation_idx").on(t.generationId), index("cost_ledger_created_idx").on(t.createdAt)],
);

export type CostLedgerRow = typeof costLedger.$inferSelect;
