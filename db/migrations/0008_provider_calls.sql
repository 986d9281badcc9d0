CREATE TABLE "provider_calls" (
	"call_key" text PRIMARY KEY NOT NULL,
	"provider_id" uuid NOT NULL,
	"generation_id" uuid NOT NULL,
	"ledger" jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "provider_calls" ADD CONSTRAINT "provider_calls_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_calls" ADD CONSTRAINT "provider_calls_generation_id_generations_id_fk" FOREIGN KEY ("generation_id") REFERENCES "public"."generations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "provider_calls_open_idx" ON "provider_calls" USING btree ("provider_id","lease_expires_at") WHERE ended_at IS NULL;--> statement-breakpoint
CREATE INDEX "provider_calls_generation_idx" ON "provider_calls" USING btree ("generation_id");