CREATE TYPE "public"."alert_kind" AS ENUM('endpoint_error_rate', 'generation_p95', 'review_backlog_age', 'spend_rate');--> statement-breakpoint
CREATE TYPE "public"."endpoint_health" AS ENUM('healthy', 'degraded', 'unhealthy');--> statement-breakpoint
CREATE TYPE "public"."system_switch" AS ENUM('uploads_disabled', 'generation_paused');--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule_id" uuid NOT NULL,
	"state" text NOT NULL,
	"value" double precision,
	"message" text NOT NULL,
	"notified" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "alert_kind" NOT NULL,
	"provider_id" uuid,
	"threshold" double precision NOT NULL,
	"window_minutes" integer DEFAULT 15 NOT NULL,
	"notify_in_app" boolean DEFAULT true NOT NULL,
	"notify_webhooks" boolean DEFAULT false NOT NULL,
	"email_to" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"state" text DEFAULT 'ok' NOT NULL,
	"firing_since" timestamp with time zone,
	"last_value" double precision,
	"last_evaluated_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"event_count" bigint NOT NULL,
	"signature" text NOT NULL,
	"blob_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "generation_moves" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"generation_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"from_preset_version_id" uuid NOT NULL,
	"to_preset_version_id" uuid NOT NULL,
	"from_provider_id" uuid NOT NULL,
	"to_provider_id" uuid NOT NULL,
	"cause" text NOT NULL,
	"reason" text,
	"moved_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_health" (
	"provider_id" uuid PRIMARY KEY NOT NULL,
	"state" "endpoint_health" DEFAULT 'healthy' NOT NULL,
	"reason" text,
	"fallback_preset_id" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"probed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "system_switches" (
	"key" "system_switch" PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"reason" text,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_rule_id_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_moves" ADD CONSTRAINT "generation_moves_generation_id_generations_id_fk" FOREIGN KEY ("generation_id") REFERENCES "public"."generations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_moves" ADD CONSTRAINT "generation_moves_from_preset_version_id_preset_versions_id_fk" FOREIGN KEY ("from_preset_version_id") REFERENCES "public"."preset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_moves" ADD CONSTRAINT "generation_moves_to_preset_version_id_preset_versions_id_fk" FOREIGN KEY ("to_preset_version_id") REFERENCES "public"."preset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_health" ADD CONSTRAINT "provider_health_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_health" ADD CONSTRAINT "provider_health_fallback_preset_id_presets_id_fk" FOREIGN KEY ("fallback_preset_id") REFERENCES "public"."presets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_switches" ADD CONSTRAINT "system_switches_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_events_rule_idx" ON "alert_events" USING btree ("rule_id","occurred_at");--> statement-breakpoint
CREATE INDEX "generation_moves_batch_idx" ON "generation_moves" USING btree ("batch_id","moved_at");--> statement-breakpoint
CREATE INDEX "generation_moves_generation_idx" ON "generation_moves" USING btree ("generation_id");