ALTER TABLE "batches" ADD COLUMN "skipped_rows" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "batches" ADD COLUMN "skipped_count" integer DEFAULT 0 NOT NULL;