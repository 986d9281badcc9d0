CREATE TYPE "public"."alt_text_status" AS ENUM('none', 'drafting', 'draft', 'confirmed');--> statement-breakpoint
CREATE TYPE "public"."export_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'expired');--> statement-breakpoint
CREATE TABLE "alt_text_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"engine" text DEFAULT 'off' NOT NULL,
	"provider_id" uuid,
	"model" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "export_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_by" uuid NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"request" jsonb NOT NULL,
	"status" "export_status" DEFAULT 'queued' NOT NULL,
	"files_total" integer DEFAULT 0 NOT NULL,
	"files_done" integer DEFAULT 0 NOT NULL,
	"assets_included" integer DEFAULT 0 NOT NULL,
	"held_back" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"blob_key" text,
	"bytes" integer,
	"sha256" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "installation_keys" (
	"purpose" text PRIMARY KEY NOT NULL,
	"algorithm" text NOT NULL,
	"private_key_sealed" text NOT NULL,
	"certificate_pem" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "placements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"channel" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"safe_zone" jsonb DEFAULT '{"top":0,"right":0,"bottom":0,"left":0}'::jsonb NOT NULL,
	"default_format" text DEFAULT 'webp' NOT NULL,
	"default_quality" integer DEFAULT 82 NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"archived_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rendition_cache" (
	"input_hash" text PRIMARY KEY NOT NULL,
	"version_id" uuid NOT NULL,
	"blob_key" text NOT NULL,
	"content_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content_credential" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "share_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"token_hint" text NOT NULL,
	"asset_id" uuid,
	"collection_id" uuid,
	"created_by" uuid NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"password_hash" text,
	"allow_download" boolean DEFAULT false NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"view_count" integer DEFAULT 0 NOT NULL,
	"last_viewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "share_links_one_target" CHECK (("share_links"."asset_id" is null) <> ("share_links"."collection_id" is null))
);
--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "focal_x" real;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "focal_y" real;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "alt_text" text;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "alt_text_status" "alt_text_status" DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "alt_text_source" text;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "alt_text_confirmed_by" uuid;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "alt_text_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "rights_licence" text;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "rights_channels" text[];--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "rights_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "rights_notice_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "asset_search" ADD COLUMN "alt_text_status" "alt_text_status" DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "asset_search" ADD COLUMN "rights_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alt_text_settings" ADD CONSTRAINT "alt_text_settings_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alt_text_settings" ADD CONSTRAINT "alt_text_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_jobs" ADD CONSTRAINT "export_jobs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rendition_cache" ADD CONSTRAINT "rendition_cache_version_id_asset_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "export_jobs_creator_idx" ON "export_jobs" USING btree ("created_by","created_at");--> statement-breakpoint
CREATE INDEX "export_jobs_expires_idx" ON "export_jobs" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "placements_slug_key" ON "placements" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "rendition_cache_version_idx" ON "rendition_cache" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "share_links_token_key" ON "share_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "share_links_asset_idx" ON "share_links" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "share_links_collection_idx" ON "share_links" USING btree ("collection_id");--> statement-breakpoint
CREATE INDEX "share_links_creator_idx" ON "share_links" USING btree ("created_by","created_at");--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_alt_text_confirmed_by_users_id_fk" FOREIGN KEY ("alt_text_confirmed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assets_rights_expires_idx" ON "assets" USING btree ("rights_expires_at");--> statement-breakpoint
CREATE INDEX "asset_search_rights_expires_idx" ON "asset_search" USING btree ("rights_expires_at");--> statement-breakpoint
-- The published placement specs (Meta, Google Display, TikTok) and one custom size, as of 2026.
-- Safe zones are the fractions of each side kept free of text (Meta Reels/Stories and TikTok UI overlays).
INSERT INTO "placements" ("slug", "name", "channel", "width", "height", "safe_zone", "default_format", "default_quality", "sort_order") VALUES
  ('meta-feed-square', 'Meta feed 1:1', 'meta', 1080, 1080, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 10),
  ('meta-feed-portrait', 'Meta feed 4:5', 'meta', 1080, 1350, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 20),
  ('meta-stories-reels', 'Meta Stories & Reels 9:16', 'meta', 1080, 1920, '{"top":0.14,"right":0.06,"bottom":0.35,"left":0.06}', 'jpeg', 85, 30),
  ('meta-link', 'Meta link 1.91:1', 'meta', 1200, 628, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 40),
  ('google-medium-rectangle', 'Google Display 300×250', 'google', 300, 250, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 50),
  ('google-leaderboard', 'Google Display 728×90', 'google', 728, 90, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 60),
  ('google-mobile-banner', 'Google Display 320×50', 'google', 320, 50, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 70),
  ('google-half-page', 'Google Display 300×600', 'google', 300, 600, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 80),
  ('google-landscape', 'Google Display 1200×628', 'google', 1200, 628, '{"top":0,"right":0,"bottom":0,"left":0}', 'jpeg', 85, 90),
  ('tiktok-in-feed', 'TikTok 9:16', 'tiktok', 1080, 1920, '{"top":0.07,"right":0.13,"bottom":0.25,"left":0.04}', 'jpeg', 85, 100),
  ('custom-web-hero', 'Website hero 16:9 (custom)', 'custom', 1920, 1080, '{"top":0,"right":0,"bottom":0,"left":0}', 'webp', 82, 110)
ON CONFLICT ("slug") DO NOTHING;
--> statement-breakpoint
INSERT INTO "alt_text_settings" ("id", "engine") VALUES (1, 'off') ON CONFLICT ("id") DO NOTHING;
