CREATE INDEX "generations_finished_idx" ON "generations" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "generations_unfinished_idx" ON "generations" USING btree ("batch_id") WHERE "generations"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "assets_created_idx" ON "assets" USING btree ("created_at");