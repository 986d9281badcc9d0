DROP INDEX "asset_search_document_idx";--> statement-breakpoint
DROP INDEX "asset_search_loras_idx";--> statement-breakpoint
DROP INDEX "asset_search_tags_idx";--> statement-breakpoint
DROP INDEX "asset_search_check_reasons_idx";--> statement-breakpoint
CREATE INDEX "asset_search_document_idx" ON "asset_search" USING gin ("document") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "asset_search_loras_idx" ON "asset_search" USING gin ("loras") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "asset_search_tags_idx" ON "asset_search" USING gin ("tags") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "asset_search_check_reasons_idx" ON "asset_search" USING gin ("check_reasons") WITH (fastupdate=false);