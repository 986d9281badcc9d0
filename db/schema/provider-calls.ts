import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { LedgerPurpose } from "./cost-ledger";
import { generations } from "./generations";
import { providers } from "./providers";

/**
 * The ledger fields of a provider call, fixed before the call is made, so that a call cut short by
 * a crash gets the same ledger row (purpose, batch, lineage, engine …) it would have had.
 */
export type ProviderCallLedger = {
  callKey: string;
  generationId: string;
  providerId: string;
  presetVersionId: string;
  userId: string;
  operation: string;
  engine: string;
  batchId: string;
  lineageRootId: string;
  purpose: LedgerPurpose;
  /** What the row bills if the call is cut short (the provider's billing rule, see provider-slots.ts). */
  ifInterrupted: { billable: boolean; micros: number };
};

/**
 * Write-ahead record and concurrency slot of one provider call (decision 0006).
 *
 * Written (committed) before the HTTP request; ended in the same transaction that writes the
 * call's cost_ledger row. While open it holds one of the endpoint's `concurrency_limit` slots, until
 * `lease_expires_at` — after that a crashed holder's slot comes back and its call is ledgered as
 * "interrupted". Open rows are the only ones that matter; ended rows are history for the
 * slot wait's estimate of how long a call takes.
 */
export const providerCalls = pgTable(
  "provider_calls",
  {
    callKey: text("call_key").primaryKey(),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => providers.id),
    generationId: uuid("generation_id")
      .notNull()
      .references(() => generations.id),
    ledger: jsonb("ledger").$type<ProviderCallLedger>().notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    index("provider_calls_open_idx")
      .on(t.providerId, t.leaseExpiresAt)
      .where(sql`ended_at IS NULL`),
    index("provider_calls_generation_idx").on(t.generationId),
  ],
);

export type ProviderCall = typeof providerCalls.$inferSelect;
