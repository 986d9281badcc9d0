import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { assets } from "./assets";
import { users } from "./users";

/** A label on assets. Anyone who may edit assets adds free tags; admins curate a list (curated = true) that the UI offers first. */
export const tags = pgTable(
  "tags",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Lower-cased, trimmed, spaces as hyphens: what the query grammar matches (`tag:spring-hero`). */
    name: text("name").notNull(),
    curated: boolean("curated").notNull().default(false),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("tags_name_key").on(t.name)],
);

export type Tag = typeof tags.$inferSelect;

export const assetTags = pgTable(
  "asset_tags",
  {
    assetId: uuid("asset_id")
      .notNull()
      .references(() => assets.id),
    tagId: uuid("tag_id")
      .notNull()
      .references(() => tags.id),
    addedBy: uuid("added_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.tagId] }), index("asset_tags_tag_idx").on(t.tagId)],
);
