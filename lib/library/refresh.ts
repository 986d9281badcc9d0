import type { DbExecutor } from "@/db";

/**
 * INTERIM CONTRACT (issue 15): the search helper replaces this body. Rewrites the asset_search rows
 * of these assets from their current state (creation, checks, review, notes, tags, edits). Callers
 * run it inside the transaction that changed the asset, or right after it.
 */
export async function refreshAssetSearch(_db: DbExecutor, _assetIds: string[]): Promise<void> {}
