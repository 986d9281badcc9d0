import { count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { assetTags, tags, type Tag } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { AppError, parseInput } from "@/lib/errors";
import { refreshAssetSearch } from "@/lib/library/refresh";
import { tagNameSchema } from "./normalise";

const createInput = z.object({ name: tagNameSchema });
const renameInput = z.object({ tagId: z.string().uuid("Unknown tag."), name: tagNameSchema });
const curatedInput = z.object({ tagId: z.string().uuid("Unknown tag."), curated: z.boolean() });
const deleteInput = z.object({ tagId: z.string().uuid("Unknown tag.") });

function assertCanCurate(ctx: Ctx) {
  if (!can(ctx.actor.role, "tags.curate")) throw new AppError("forbidden", "Only admins curate tags.");
}

async function lockTag(tx: DbExecutor, tagId: string): Promise<Tag> {
  const [tag] = await tx.select().from(tags).where(eq(tags.id, tagId)).limit(1).for("update");
  if (!tag) throw new AppError("not_found", "That tag does not exist.");
  return tag;
}

async function taggedAssetIds(tx: DbExecutor, tagId: string): Promise<string[]> {
  const rows = await tx.select({ id: assetTags.assetId }).from(assetTags).where(eq(assetTags.tagId, tagId));
  return rows.map((r) => r.id);
}

export type AdminTag = Tag & { uses: number };

/** Every tag with its usage count: curated first, then the most used free tags (candidates for curation). */
export async function listTagsForAdmin({ ctx }: { ctx: Ctx }): Promise<AdminTag[]> {
  assertCanCurate(ctx);
  const uses = count(assetTags.assetId);
  const rows = await ctx.db
    .select({ tag: tags, uses })
    .from(tags)
    .leftJoin(assetTags, eq(assetTags.tagId, tags.id))
    .groupBy(tags.id)
    .orderBy(desc(tags.curated), desc(uses), tags.name)
    .limit(500);
  return rows.map((r) => ({ ...r.tag, uses: Number(r.uses) }));
}

/** Adds a curated tag; a free tag of that name becomes curated (its assets keep it). */
export async function createCuratedTag({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Tag> {
  assertCanCurate(ctx);
  const { name } = parseInput(createInput, input);
  return ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(tags)
      .values({ name, curated: true, createdBy: ctx.actor.id })
      .onConflictDoNothing()
      .returning();
    if (created) {
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "tag.created",
          subject: { type: "tag", id: created.id },
          data: { name, curated: true },
          ip: ctx.ip,
        },
      });
      return created;
    }
    const [existing] = await tx.select().from(tags).where(eq(tags.name, name)).limit(1).for("update");
    if (existing!.curated)
      throw new AppError("conflict", `“${name}” is already a curated tag.`, { fields: { name: ["Already curated."] } });
    const [updated] = await tx.update(tags).set({ curated: true }).where(eq(tags.id, existing!.id)).returning();
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "tag.curation_changed",
        subject: { type: "tag", id: existing!.id },
        data: { name, curated: true },
        ip: ctx.ip,
      },
    });
    return updated!;
  });
}

/** Moves a tag on or off the curated list. */
export async function setTagCurated({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Tag> {
  assertCanCurate(ctx);
  const { tagId, curated } = parseInput(curatedInput, input);
  return ctx.db.transaction(async (tx) => {
    const before = await lockTag(tx, tagId);
    const [tag] = await tx.update(tags).set({ curated }).where(eq(tags.id, tagId)).returning();
    if (before.curated !== curated)
      await recordAudit({
        db: tx,
        input: {
          actor: ctx.actor,
          action: "tag.curation_changed",
          subject: { type: "tag", id: tagId },
          data: { name: before.name, curated },
          ip: ctx.ip,
        },
      });
    return tag!;
  });
}

/** Renames a tag everywhere it is used (one row, so every asset follows); a name in use is refused, not merged. */
export async function renameTag({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Tag> {
  assertCanCurate(ctx);
  const { tagId, name } = parseInput(renameInput, input);
  return ctx.db.transaction(async (tx) => {
    const before = await lockTag(tx, tagId);
    if (before.name === name) return before;
    const [clash] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.name, name)).limit(1);
    if (clash)
      throw new AppError("conflict", `A tag called “${name}” already exists.`, { fields: { name: ["Taken."] } });
    const [tag] = await tx.update(tags).set({ name }).where(eq(tags.id, tagId)).returning();
    await refreshAssetSearch(tx, await taggedAssetIds(tx, tagId));
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "tag.renamed",
        subject: { type: "tag", id: tagId },
        data: { from: before.name, to: name },
        ip: ctx.ip,
      },
    });
    return tag!;
  });
}

/** Deletes a tag and removes it from every asset (the audit row names how many carried it). */
export async function deleteTag({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ removedFrom: number }> {
  assertCanCurate(ctx);
  const { tagId } = parseInput(deleteInput, input);
  return ctx.db.transaction(async (tx) => {
    const before = await lockTag(tx, tagId);
    const assetIds = await taggedAssetIds(tx, tagId);
    await tx.delete(assetTags).where(eq(assetTags.tagId, tagId));
    await tx.delete(tags).where(eq(tags.id, tagId));
    await refreshAssetSearch(tx, assetIds);
    await recordAudit({
      db: tx,
      input: {
        actor: ctx.actor,
        action: "tag.deleted",
        subject: { type: "tag", id: tagId },
        data: { name: before.name, curated: before.curated, removedFrom: assetIds.length },
        ip: ctx.ip,
      },
    });
    return { removedFrom: assetIds.length };
  });
}
