CREATE INDEX "generations_finished_idx" ON "generations" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "assets_created_idx" ON "assets" USING btree ("created_at");