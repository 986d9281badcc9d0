import { boolean, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { PROVIDER_KINDS } from "@/lib/providers/types";

export const providerKindEnum = pgEnum("provider_kind", PROVIDER_KINDS);

/** A GPU endpoint. Its API secret is stored encrypted (lib/crypto/secret-box.ts), never in clear. */
export const providers = pgTable(
  "providers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    kind: providerKindEnum("kind").notNull(),
    baseUrl: text("base_url").notNull(),
    secretCiphertext: text("secret_ciphertext"),
    /** Loopback/private addresses are refused unless an admin allows them (the simulator needs it). */
    allowPrivate: boolean("allow_private").notNull().default(false),
    /** GPU endpoints are the scarce resource: calls in flight at once to this endpoint. */
    concurrencyLimit: integer("concurrency_limit").notNull().default(2),
    timeoutMs: integer("timeout_ms").notNull().default(120_000),
    /** A paused provider's work waits; it is never dropped. */
    paused: boolean("paused").notNull().default(false),
    pausedReason: text("paused_reason"),
    isSimulator: boolean("is_simulator").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("providers_slug_key").on(t.slug)],
);

export type Provider = typeof providers.$inferSelect;
