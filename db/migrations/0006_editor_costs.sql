CREATE TYPE "public"."ledger_purpose" AS ENUM('first_attempt', 'retry', 'reroll', 'edit');--> statement-breakpoint
CREATE TYPE "public"."budget_period" AS ENUM('day', 'week', 'month', 'quarter');--> statement-breakpoint
CREATE TYPE "public"."budget_scope" AS ENUM('campaign', 'team', 'user');--> statement-breakpoint
CREATE TYPE "public"."edit_operation" AS ENUM('erase', 'upscale', 'remove_background', 'restore');--> statement-breakpoint
CREATE TYPE "public"."edit_status" AS ENUM('queued', 'running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budget_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"budget_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"level" text NOT NULL,
	"spent_micros" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" "budget_scope" NOT NULL,
	"scope_key" text NOT NULL,
	"period" "budget_period" NOT NULL,
	"limit_micros" bigint,
	"limit_images" integer,
	"soft_limit_percent" integer DEFAULT 80 NOT NULL,
	"stop_loss_reject_percent" integer,
	"stop_loss_window" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text,
	"held_by" uuid,
	"held_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	"released_by" uuid
);
--> statement-breakpoint
CREATE TABLE "asset_edits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"source_version_id" uuid NOT NULL,
	"operation" "edit_operation" NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"mask_blob_key" text,
	"engine" text NOT NULL,
	"provider_id" uuid,
	"status" "edit_status" DEFAULT 'queued' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_message" text,
	"result_version_id" uuid,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"requested_by" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "edit_engine_settings" (
	"operation" "edit_operation" PRIMARY KEY NOT NULL,
	"engine" text NOT NULL,
	"provider_id" uuid,
	"price_model" jsonb,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cost_ledger" ALTER COLUMN "provider_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "team_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "costs_all_teams" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "lineage_root_id" uuid;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD COLUMN "purpose" "ledger_purpose" DEFAULT 'first_attempt' NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD COLUMN "batch_id" uuid;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD COLUMN "lineage_root_id" uuid;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD COLUMN "asset_id" uuid;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD COLUMN "edit_id" uuid;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD COLUMN "engine" text;--> statement-breakpoint
ALTER TABLE "asset_versions" ADD COLUMN "edit_id" uuid;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_holds" ADD CONSTRAINT "campaign_holds_held_by_users_id_fk" FOREIGN KEY ("held_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_holds" ADD CONSTRAINT "campaign_holds_released_by_users_id_fk" FOREIGN KEY ("released_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_edits" ADD CONSTRAINT "asset_edits_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_edits" ADD CONSTRAINT "asset_edits_source_version_id_asset_versions_id_fk" FOREIGN KEY ("source_version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_edits" ADD CONSTRAINT "asset_edits_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_edits" ADD CONSTRAINT "asset_edits_result_version_id_asset_versions_id_fk" FOREIGN KEY ("result_version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_edits" ADD CONSTRAINT "asset_edits_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edit_engine_settings" ADD CONSTRAINT "edit_engine_settings_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edit_engine_settings" ADD CONSTRAINT "edit_engine_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "teams_name_key" ON "teams" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "budget_alerts_once_key" ON "budget_alerts" USING btree ("budget_id","period_start","level");--> statement-breakpoint
CREATE UNIQUE INDEX "budgets_scope_period_key" ON "budgets" USING btree ("scope","scope_key","period");--> statement-breakpoint
CREATE INDEX "campaign_holds_campaign_idx" ON "campaign_holds" USING btree ("campaign","released_at");--> statement-breakpoint
CREATE UNIQUE INDEX "asset_edits_idempotency_key" ON "asset_edits" USING btree ("requested_by","idempotency_key");--> statement-breakpoint
CREATE INDEX "asset_edits_asset_idx" ON "asset_edits" USING btree ("asset_id","created_at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_lineage_root_id_generations_id_fk" FOREIGN KEY ("lineage_root_id") REFERENCES "public"."generations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD CONSTRAINT "cost_ledger_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD CONSTRAINT "cost_ledger_lineage_root_id_generations_id_fk" FOREIGN KEY ("lineage_root_id") REFERENCES "public"."generations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_ledger" ADD CONSTRAINT "cost_ledger_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "generations_lineage_root_idx" ON "generations" USING btree ("lineage_root_id");--> statement-breakpoint
CREATE INDEX "cost_ledger_lineage_idx" ON "cost_ledger" USING btree ("lineage_root_id");--> statement-breakpoint
CREATE INDEX "cost_ledger_batch_created_idx" ON "cost_ledger" USING btree ("batch_id","created_at");--> statement-breakpoint
CREATE INDEX "cost_ledger_asset_idx" ON "cost_ledger" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "assets_approved_at_idx" ON "assets" USING btree ("approved_at");--> statement-breakpoint
-- Backfill the attribution columns of rows written before they existed: each re-roll's lineage root, then the ledger.
WITH RECURSIVE chain AS (
  SELECT "id", "id" AS "root" FROM "generations" WHERE "reroll_of" IS NULL
  UNION ALL
  SELECT g."id", c."root" FROM "generations" AS g JOIN chain AS c ON g."reroll_of" = c."id"
)
UPDATE "generations" AS g SET "lineage_root_id" = chain."root" FROM chain WHERE g."id" = chain."id" AND g."reroll_of" IS NOT NULL;--> statement-breakpoint
-- The ledger is append-only (trigger cost_ledger_append_only); this one-time backfill of new columns is the exception.
ALTER TABLE "cost_ledger" DISABLE TRIGGER "cost_ledger_append_only";--> statement-breakpoint
UPDATE "cost_ledger" AS l SET "batch_id" = g."batch_id", "lineage_root_id" = COALESCE(g."lineage_root_id", g."id"),
  "purpose" = (CASE WHEN g."reroll_of" IS NOT NULL THEN 'reroll' WHEN split_part(l."call_key", ':', 3) <> '1' THEN 'retry' ELSE 'first_attempt' END)::"ledger_purpose",
  "engine" = (SELECT p."kind"::text FROM "providers" AS p WHERE p."id" = l."provider_id")
FROM "generations" AS g WHERE g."id" = l."generation_id";--> statement-breakpoint
ALTER TABLE "cost_ledger" ENABLE TRIGGER "cost_ledger_append_only";
