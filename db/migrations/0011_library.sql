CREATE TYPE "public"."asset_source" AS ENUM('generated', 'uploaded');--> statement-breakpoint
CREATE TABLE "asset_search" (
	"asset_id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"team_id" uuid,
	"status" "asset_status" NOT NULL,
	"source" "asset_source" NOT NULL,
	"tier" "tier",
	"title" text DEFAULT '' NOT NULL,
	"campaign" text,
	"batch_id" uuid,
	"preset_id" uuid,
	"preset_version_id" uuid,
	"template_id" uuid,
	"template_version_id" uuid,
	"provider_id" uuid,
	"model" text,
	"loras" text[] DEFAULT '{}'::text[] NOT NULL,
	"reviewer_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"check_verdict" "check_verdict",
	"check_reasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"status_reason" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"width" integer,
	"height" integer,
	"created_at" timestamp with time zone NOT NULL,
	"approved_at" timestamp with time zone,
	"document" "tsvector" NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "asset_tags" (
	"asset_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_tags_asset_id_tag_id_pk" PRIMARY KEY("asset_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"curated" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "collection_assets" (
	"collection_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collection_assets_collection_id_asset_id_pk" PRIMARY KEY("collection_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "collections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner_id" uuid NOT NULL,
	"team_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "asset_stars" (
	"user_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_stars_user_id_asset_id_pk" PRIMARY KEY("user_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "saved_searches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assets" ALTER COLUMN "generation_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ALTER COLUMN "batch_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ALTER COLUMN "tier" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ALTER COLUMN "preset_version_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "carried_columns" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "title" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "origin_asset_id" uuid;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "reference_version_id" uuid;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "source" "asset_source" DEFAULT 'generated' NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "upload_id" uuid;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "title" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "metadata" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "origin_asset_id" uuid;--> statement-breakpoint
ALTER TABLE "asset_search" ADD CONSTRAINT "asset_search_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_tags" ADD CONSTRAINT "asset_tags_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_tags" ADD CONSTRAINT "asset_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_tags" ADD CONSTRAINT "asset_tags_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_assets" ADD CONSTRAINT "collection_assets_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_assets" ADD CONSTRAINT "collection_assets_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_assets" ADD CONSTRAINT "collection_assets_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_stars" ADD CONSTRAINT "asset_stars_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_stars" ADD CONSTRAINT "asset_stars_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_searches" ADD CONSTRAINT "saved_searches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asset_search_document_idx" ON "asset_search" USING gin ("document") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "asset_search_loras_idx" ON "asset_search" USING gin ("loras") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "asset_search_tags_idx" ON "asset_search" USING gin ("tags") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "asset_search_check_reasons_idx" ON "asset_search" USING gin ("check_reasons") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "asset_search_created_idx" ON "asset_search" USING btree ("created_at","asset_id");--> statement-breakpoint
CREATE INDEX "asset_search_owner_created_idx" ON "asset_search" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "asset_search_status_created_idx" ON "asset_search" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "asset_search_campaign_idx" ON "asset_search" USING btree ("campaign");--> statement-breakpoint
CREATE INDEX "asset_search_template_idx" ON "asset_search" USING btree ("template_id");--> statement-breakpoint
CREATE INDEX "asset_search_preset_idx" ON "asset_search" USING btree ("preset_id");--> statement-breakpoint
CREATE INDEX "asset_search_model_idx" ON "asset_search" USING btree ("model");--> statement-breakpoint
CREATE INDEX "asset_search_approved_idx" ON "asset_search" USING btree ("approved_at");--> statement-breakpoint
CREATE INDEX "asset_tags_tag_idx" ON "asset_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tags_name_key" ON "tags" USING btree ("name");--> statement-breakpoint
CREATE INDEX "collection_assets_asset_idx" ON "collection_assets" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "collections_owner_idx" ON "collections" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "collections_team_idx" ON "collections" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "asset_stars_asset_idx" ON "asset_stars" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "saved_searches_user_idx" ON "saved_searches" USING btree ("user_id","created_at");--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_origin_asset_id_assets_id_fk" FOREIGN KEY ("origin_asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generations" ADD CONSTRAINT "generations_reference_version_id_asset_versions_id_fk" FOREIGN KEY ("reference_version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_origin_asset_id_assets_id_fk" FOREIGN KEY ("origin_asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assets_upload_key" ON "assets" USING btree ("upload_id");--> statement-breakpoint
CREATE INDEX "assets_origin_idx" ON "assets" USING btree ("origin_asset_id");--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_source_shape" CHECK (("source" = 'generated' AND "generation_id" IS NOT NULL AND "batch_id" IS NOT NULL AND "tier" IS NOT NULL AND "preset_version_id" IS NOT NULL) OR ("source" = 'uploaded' AND "upload_id" IS NOT NULL AND "generation_id" IS NULL));
--> statement-breakpoint
-- Assets made before titles existed are named as the pages named them: "Row 3, variant 1".
UPDATE "assets" SET "title" = 'Row ' || g."row_line" || ', variant ' || (g."variant_index" + 1) FROM "generations" g WHERE g."id" = "assets"."generation_id" AND "assets"."title" = '';
