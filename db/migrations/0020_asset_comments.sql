CREATE TABLE "asset_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"asset_version_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"pin_x" real,
	"pin_y" real,
	"pin_w" real,
	"pin_h" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_comments_pin_in_image" CHECK (("asset_comments"."pin_x" is null and "asset_comments"."pin_y" is null and "asset_comments"."pin_w" is null and "asset_comments"."pin_h" is null)
        or ("asset_comments"."pin_x" between 0 and 1 and "asset_comments"."pin_y" between 0 and 1
          and (("asset_comments"."pin_w" is null and "asset_comments"."pin_h" is null)
            or ("asset_comments"."pin_w" > 0 and "asset_comments"."pin_h" > 0 and "asset_comments"."pin_x" + "asset_comments"."pin_w" <= 1.000001 and "asset_comments"."pin_y" + "asset_comments"."pin_h" <= 1.000001))))
);
--> statement-breakpoint
ALTER TABLE "asset_comments" ADD CONSTRAINT "asset_comments_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "asset_comments" ADD CONSTRAINT "asset_comments_asset_version_id_asset_versions_id_fk" FOREIGN KEY ("asset_version_id") REFERENCES "public"."asset_versions"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "asset_comments" ADD CONSTRAINT "asset_comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "asset_comments_asset_idx" ON "asset_comments" USING btree ("asset_id","created_at");
