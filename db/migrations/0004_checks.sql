CREATE TYPE "public"."asset_status" AS ENUM('checking', 'in_review', 'approved', 'rejected', 'changes_requested');--> statement-breakpoint
CREATE TYPE "public"."check_run_status" AS ENUM('running', 'decided');--> statement-breakpoint
CREATE TYPE "public"."check_verdict" AS ENUM('pass', 'warn', 'fail');--> statement-breakpoint
ALTER TYPE "public"."upload_status" ADD VALUE 'blocked';--> statement-breakpoint
CREATE TABLE "asset_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"parent_version_id" uuid,
	"operation" text NOT NULL,
	"blob_key" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"renditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"generation_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"tier" "tier" NOT NULL,
	"preset_version_id" uuid NOT NULL,
	"status" "asset_status" DEFAULT 'checking' NOT NULL,
	"status_reason" text,
	"current_version_id" uuid,
	"entered_review_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"check_run_id" uuid NOT NULL,
	"check_id" text NOT NULL,
	"check_version" integer NOT NULL,
	"score" double precision,
	"threshold" double precision,
	"verdict" "check_verdict" NOT NULL,
	"reason_code" text,
	"detail" text NOT NULL,
	"error" text,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_version_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"thresholds" jsonb NOT NULL,
	"status" "check_run_status" DEFAULT 'running' NOT NULL,
	"verdict" "check_verdict",
	"reason_code" text,
	"phash" text,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "preset_versions" ADD COLUMN "reroll_limit" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "reroll_of" uuid;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "reroll_depth" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "asset_versions" ADD CONSTRAINT "asset_versions_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_versions" ADD CONSTRAINT "asset_versions_parent_version_id_asset_versions_id_fk" FOREIGN KEY ("parent_version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_versions" ADD CONSTRAINT "asset_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_generation_id_generations_id_fk" FOREIGN KEY ("generation_id") REFERENCES "public"."generations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_preset_version_id_preset_versions_id_fk" FOREIGN KEY ("preset_version_id") REFERENCES "public"."preset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_current_version_id_asset_versions_id_fk" FOREIGN KEY ("current_version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_check_run_id_check_runs_id_fk" FOREIGN KEY ("check_run_id") REFERENCES "public"."check_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_asset_version_id_asset_versions_id_fk" FOREIGN KEY ("asset_version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "asset_versions_asset_number_key" ON "asset_versions" USING btree ("asset_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "assets_generation_key" ON "assets" USING btree ("generation_id");--> statement-breakpoint
CREATE INDEX "assets_batch_idx" ON "assets" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "assets_status_idx" ON "assets" USING btree ("status","entered_review_at");--> statement-breakpoint
CREATE INDEX "assets_preset_status_idx" ON "assets" USING btree ("preset_version_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "check_results_run_check_key" ON "check_results" USING btree ("check_run_id","check_id");--> statement-breakpoint
CREATE INDEX "check_runs_version_idx" ON "check_runs" USING btree ("asset_version_id","created_at");--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_reroll_of_generations_id_fk" FOREIGN KEY ("reroll_of") REFERENCES "public"."generations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "generations_reroll_of_idx" ON "generations" USING btree ("reroll_of");