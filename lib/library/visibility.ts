import { sql, type SQL } from "drizzle-orm";
import { assetSearch } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { seesAllAssets } from "@/lib/assets/access";
import { AppError } from "@/lib/errors";

/**
 * Which asset_search rows the actor may see, as a condition on that table: the library's form of
 * lib/assets/access.ts. Reviewers and admins see every asset; designers their own; roles without
 * assets.view (finance) are refused outright, so they never get even an empty grid of images.
 *
 * Every library read (search, facets, selections) goes through this one function.
 */
export function visibleAssetsCondition(ctx: Ctx): SQL {
  if (!can(ctx.actor.role, "assets.view")) throw new AppError("forbidden", "Your role does not include the asset library.");
  if (seesAllAssets(ctx)) return sql`true`;
  const grants: SQL[] = [sql`${assetSearch.ownerId} = ${ctx.actor.id}`];
  // HOOK (organise / collections): a collection shared with the actor's team grants visibility of
  // its assets. Add its condition here, e.g.
  //   grants.push(sql`${assetSearch.assetId} in (select ca.asset_id from collection_assets ca
  //     join collections c on c.id = ca.collection_id
  //     where c.team_id = (select u.team_id from users u where u.id = ${ctx.actor.id}))`);
  // Keep it a subquery on indexed keys: it is part of every library query.
  return grants.length === 1 ? grants[0]! : sql`(${sql.join(grants, sql` or `)})`;
}
