import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { assetEdits, assetVersions, type AssetVersion } from "@/db/schema";

export type IntendedSize = { width: number; height: number; from: string };

/**
 * The size a version should have. A generated first version: the preset's (the generation's size).
 * An edited version judges against what the edit intends, not the preset: an upscale is its source
 * version's size × the factor it was asked for; an erase, a background removal or a restore keeps
 * its source's size. An upload (no generation, no parent) is its own size.
 */
export function intendedSize(input: {
  version: Pick<AssetVersion, "operation" | "width" | "height">;
  generation: { width: number; height: number } | null;
  parent: Pick<AssetVersion, "number" | "width" | "height"> | null;
  edit: { operation: string; params: Record<string, unknown> } | null;
}): IntendedSize {
  const { version, generation, parent, edit } = input;
  if (parent && version.operation !== "generate" && version.operation !== "upload") {
    const source = `version ${parent.number} (${parent.width}×${parent.height})`;
    if ((edit?.operation ?? version.operation) === "upscale") {
      const factor = upscaleFactor(edit?.params ?? {});
      return {
        width: parent.width * factor,
        height: parent.height * factor,
        from: `the ${factor}× upscale of ${source}`,
      };
    }
    const what = version.operation === "restore" ? "the restore of" : `the ${version.operation.replace("_", " ")} of`;
    return { width: parent.width, height: parent.height, from: `${what} ${source}` };
  }
  if (generation) return { width: generation.width, height: generation.height, from: "the preset" };
  return { width: version.width, height: version.height, from: "the upload" };
}

/** The factor an upscale edit was asked for: 4 when it says so, else 2 (what lib/editing runs). */
export function upscaleFactor(params: Record<string, unknown>): number {
  return params.scale === 4 ? 4 : 2;
}

/** intendedSize for a stored version: reads its parent version and its edit. */
export async function loadIntendedSize(
  db: Db,
  version: AssetVersion,
  generation: { width: number; height: number } | null,
): Promise<IntendedSize> {
  const [parent] = version.parentVersionId
    ? await db.select().from(assetVersions).where(eq(assetVersions.id, version.parentVersionId)).limit(1)
    : [];
  const [edit] = version.editId
    ? await db
        .select({ operation: assetEdits.operation, params: assetEdits.params })
        .from(assetEdits)
        .where(eq(assetEdits.id, version.editId))
        .limit(1)
    : [];
  return intendedSize({ version, generation, parent: parent ?? null, edit: edit ?? null });
}
