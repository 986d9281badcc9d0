ALTER TABLE "assets" ADD COLUMN "rejected_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "assets_rejected_at_idx" ON "assets" USING btree ("rejected_at");--> statement-breakpoint
-- hand-written: decision times of assets decided before approved_at / rejected_at were written; their last change is the best record left.
UPDATE "assets" SET "approved_at" = "updated_at" WHERE "status" = 'approved' AND "approved_at" IS NULL;--> statement-breakpoint
UPDATE "assets" SET "rejected_at" = "updated_at" WHERE "status" = 'rejected' AND "rejected_at" IS NULL;
