import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const uploadStatusEnum = pgEnum("upload_status", ["processing", "ready", "failed", "blocked"]);

/** hasAlpha: some pixel is not fully opaque (the UI shows a checkerboard only then); absent on renditions made before it was recorded. */
export type Rendition = {
  key: string;
  width: number;
  height: number;
  bytes: number;
  contentType: string;
  hasAlpha?: boolean;
};

/** A user-uploaded image (reference images, brand assets); renditions are made in the background. */
export const uploads = pgTable(
  "uploads",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    bytes: integer("bytes").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    sha256: text("sha256").notNull(),
    blobKey: text("blob_key").notNull(),
    status: uploadStatusEnum("status").notNull().default("processing"),
    renditions: jsonb("renditions").$type<Record<string, Rendition>>().notNull().default({}),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("uploads_owner_idx").on(t.ownerId, t.createdAt)],
);

export type Upload = typeof uploads.$inferSelect;
