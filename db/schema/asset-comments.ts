import { sql } from "drizzle-orm";
import { check, index, pgTable, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { assets, assetVersions } from "./assets";
import { users } from "./users";

/**
 * A comment on one version of an asset by a reviewer or its designer, optionally pinned to the image:
 * a point (x, y) or a region (x, y, w, h), all normalised to 0..1 of the version's width and height so
 * a pin stays put at any display size or rendition.
 */
export const assetComments = pgTable(
  "asset_comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    assetId: uuid("asset_id")
      .notNull()
      .references(() => assets.id),
    assetVersionId: uuid("asset_version_id")
      .notNull()
      .references(() => assetVersions.id),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    pinX: real("pin_x"),
    pinY: real("pin_y"),
    /** Set for a region (dragged), null for a point (clicked). */
    pinW: real("pin_w"),
    pinH: real("pin_h"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("asset_comments_asset_idx").on(t.assetId, t.createdAt),
    check(
      "asset_comments_pin_in_image",
      sql`(${t.pinX} is null and ${t.pinY} is null and ${t.pinW} is null and ${t.pinH} is null)
        or (${t.pinX} between 0 and 1 and ${t.pinY} between 0 and 1
          and ((${t.pinW} is null and ${t.pinH} is null)
            or (${t.pinW} > 0 and ${t.pinH} > 0 and ${t.pinX} + ${t.pinW} <= 1.000001 and ${t.pinY} + ${t.pinH} <= 1.000001)))`,
    ),
  ],
);

export type AssetComment = typeof assetComments.$inferSelect;
