import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { assets } from "./assets";
import { batches } from "./batches";
import { generations } from "./generations";
import { presetVersions } from "./preset-versions";
import { providers } from "./providers";
import { users } from "./users";

/**
 * Why money was spent, fixed when the row is written: a row's first provider call, a retry of it,
 * an automatic re-roll (and its retries), or an editor operation on an asset.
 */
export const LEDGER_PURPOSES = ["first_attempt", "retry", "reroll", "edit"] as const;
export const ledgerPurposeEnum = pgEnum("ledger_purpose", LEDGER_PURPOSES);
export type LedgerPurpose = (typeof LEDGER_PURPOSES)[number];

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
    /** Null for local engines (CPU work on this machine), which bill nothing to a provider. */
    providerId: uuid("provider_id").references(() => providers.id),
    presetVersionId: uuid("preset_version_id").references(() => presetVersions.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    operation: text("operation").notNull(), // generate | inpaint | upscale | remove_background
    outcome: text("outcome").notNull(), // succeeded | failed
    billable: boolean("billable").notNull(),
    micros: bigint("micros", { mode: "number" }).notNull(),
    errorKind: text("error_kind"),
    purpose: ledgerPurposeEnum("purpose").notNull().default("first_attempt"),
    /** The batch the spend belongs to (campaign, owner); set for generations and edits alike. */
    batchId: uuid("batch_id").references(() => batches.id),
    /** The lineage the spend is attributed to: the root generation of the row (itself for first attempts). */
    lineageRootId: uuid("lineage_root_id").references(() => generations.id),
    /** Set for editor operations: the asset edited and the edit (asset_edits.id). */
    assetId: uuid("asset_id").references(() => assets.id),
    editId: uuid("edit_id"),
    /** The engine that did the work: "provider" kinds (a1111, stability…) or a local engine id (esrgan-local, telea-local…). */
    engine: text("engine"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("cost_ledger_call_key").on(t.callKey),
    index("cost_ledger_generation_idx").on(t.generationId),
    index("cost_ledger_created_idx").on(t.createdAt),
    index("cost_ledger_lineage_idx").on(t.lineageRootId),
    index("cost_ledger_batch_created_idx").on(t.batchId, t.createdAt),
    index("cost_ledger_asset_idx").on(t.assetId),
  ],
);

export type CostLedgerRow = typeof costLedger.$inferSelect;

/**
 * The ledger summed per UTC day × lineage key (batch, effective preset version: an edit's is its
 * asset's), maintained by a statement trigger on cost_ledger inserts (migration 0017, decision 0026).
 * Derived data: never written by the application; `kiln_cost_ledger_daily_rebuild()` rebuilds it from
 * the ledger. A null batch is overhead. The Costs report reads its spend figures from here.
 */
export const costLedgerDaily = pgTable(
  "cost_ledger_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    batchId: uuid("batch_id"),
    presetVersionId: uuid("preset_version_id"),
    micros: bigint("micros", { mode: "number" }).notNull().default(0),
    calls: bigint("calls", { mode: "number" }).notNull().default(0),
    generationCalls: bigint("generation_calls", { mode: "number" }).notNull().default(0),
    retryCalls: bigint("retry_calls", { mode: "number" }).notNull().default(0),
  },
  (t) => [unique("cost_ledger_daily_key").on(t.day, t.batchId, t.presetVersionId).nullsNotDistinct()],
);

/**
 * Review decisions per UTC day × lineage key (batch, preset version) of generated assets: approved
 * counts an asset on its approved_at day, rejected on its rejected_at day. Maintained by statement
 * triggers on assets inserts, updates and deletes (migration 0018, decision 0026); derived data, never
 * written by the application; `kiln_asset_decisions_daily_rebuild()` rebuilds it from assets. Counts
 * can return to 0 (undo) and the row stays. The Costs report reads its approved/rejected counts here.
 */
export const assetDecisionsDaily = pgTable(
  "asset_decisions_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    batchId: uuid("batch_id"),
    presetVersionId: uuid("preset_version_id"),
    approved: bigint("approved", { mode: "number" }).notNull().default(0),
    rejected: bigint("rejected", { mode: "number" }).notNull().default(0),
  },
  (t) => [unique("asset_decisions_daily_key").on(t.day, t.batchId, t.presetVersionId).nullsNotDistinct()],
);
