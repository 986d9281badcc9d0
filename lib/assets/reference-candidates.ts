import { and, desc, eq, ilike, isNotNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { assets, assetVersions, uploads } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { parseInput } from "@/lib/errors";
import { blobRouteUrl } from "@/lib/storage/keys";
import { seesAllAssets } from "./access";

const input = z.object({ q: z.string().trim().max(120).default("") });

export type ReferenceCandidate = {
  assetId: string;
  versionId: string;
  title: string;
  source: "generated" | "uploaded";
  thumbUrl: string | null;
  width: number;
  height: number;
};

/**
 * What the Generate form offers as a reference image: the current version of assets the actor may
 * see, their uploads first, then the newest; `q` matches the title (an upload's file name).
 */
export async function listReferenceCandidates({
  ctx,
  input: raw,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ReferenceCandidate[]> {
  const { q } = parseInput(input, raw ?? {});
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await ctx.db
    .select({ asset: assets, version: assetVersions, filename: uploads.filename })
    .from(assets)
    .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
    .leftJoin(uploads, eq(uploads.id, assets.uploadId))
    .where(
      and(
        seesAllAssets(ctx) ? undefined : eq(assets.ownerId, ctx.actor.id),
        isNotNull(assets.currentVersionId),
        q ? or(ilike(assets.title, pattern), ilike(uploads.filename, pattern)) : undefined,
      ),
    )
    .orderBy(sql`(${assets.source} = 'uploaded') desc`, desc(assets.createdAt))
    .limit(48);
  return rows.map(({ asset, version, filename }) => ({
    assetId: asset.id,
    versionId: version.id,
    title: asset.title || filename || `Generated ${asset.createdAt.toISOString().slice(0, 16).replace("T", " ")}`,
    source: asset.source,
    thumbUrl: version.renditions.thumb ? blobRouteUrl(version.renditions.thumb.key) : null,
    width: version.width,
    height: version.height,
  }));
}
