import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { TemplateDefinition } from "@/lib/templates/types";
import { templates } from "./templates";
import { users } from "./users";

/** Immutable: locked style tokens, negative prompt, body and typed variables of one version. */
export const templateVersions = pgTable(
  "template_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    templateId: uuid("template_id")
      .notNull()
      .references(() => templates.id),
    version: integer("version").notNull(),
    definition: jsonb("definition").$type<TemplateDefinition>().notNull(),
    note: text("note"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("template_versions_template_version_key").on(t.templateId, t.version)],
);

export type TemplateVersion = typeof templateVersions.$inferSelect;
