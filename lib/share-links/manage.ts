import { and, desc, eq, type SQL } from "drizzle-orm";
import { assets, collections, shareLinks, users, type ShareLink } from "@/db/schema";
import { loadActionableAsset, seesAssetOwnedBy } from "@/lib/assets/access";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { canEditCollection, loadCollection } from "@/lib/collections/access";
import { env } from "@/lib/env";
import { AppError, parseInput } from "@/lib/errors";
import { createShareLinkInput, listShareLinksInput, shareExpiry } from "./schema";
import { newShareToken } from "./token";

export type ShareLinkState = "active" | "expired" | "revoked";

export type ShareLinkView = {
  id: string;
  tokenHint: string;
  label: string;
  target: { type: "asset" | "collection"; id: string; title: string };
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  hasPassword: boolean;
  allowDownload: boolean;
  revokedAt: string | null;
  viewCount: number;
  lastViewedAt: string | null;
  state: ShareLinkState;
};

function assertMayShare(ctx: Ctx) {
  if (!can(ctx.actor.role, "shares.create")) throw new AppError("forbidden", "Your role does not share links.");
}

export function shareUrl(token: string): string {
  return `${env().appUrl.replace(/\/$/, "")}/s/${token}`;
}

/**
 * Makes a link for an asset the actor may act on, or a collection they may see (their own or one
 * shared with their team). The token is returned here and never again: the row keeps its sha256.
 */
export async function createShareLink({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ link: ShareLinkView; token: string; url: string }> {
  assertMayShare(ctx);
  const data = parseInput(createShareLinkInput, input);
  const expiresAt = shareExpiry(data.expiry, data.expiresOn);
  if (typeof expiresAt === "string")
    throw new AppError("invalid_input", expiresAt, { fields: { expiresOn: [expiresAt] } });
  if (data.assetId) await loadActionableAsset(ctx, data.assetId);
  else await loadCollection(ctx, data.collectionId!, "see");
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  const { token, hash, hint } = newShareToken();
  const link = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(shareLinks)
      .values({
        tokenHash: hash,
        tokenHint: hint,
        assetId: data.assetId ?? null,
        collectionId: data.collectionId ?? null,
        createdBy: ctx.actor.id,
        label: data.label,
        expiresAt,
        passwordHash,
        allowDownload: data.allowDownload,
      })
      .returning();
    await recordAudit({
      db: tx,
      input: {
        actor: { id: ctx.actor.id, email: ctx.actor.email },
        action: "share_link.created",
        subject: { type: "share_link", id: row!.id },
        data: {
          target: data.assetId ? { assetId: data.assetId } : { collectionId: data.collectionId },
          expiresAt: expiresAt.toISOString(),
          password: !!passwordHash,
          allowDownload: data.allowDownload,
          tokenHint: hint,
        },
        ip: ctx.ip,
      },
    });
    return row!;
  });
  const [view] = await viewsOf(ctx, eq(shareLinks.id, link.id));
  return { link: view!, token, url: shareUrl(token) };
}

/** The links of an asset (who may act on it), of a collection (who may see it), or the actor's own. */
export async function listShareLinks({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ShareLinkView[]> {
  assertMayShare(ctx);
  const data = parseInput(listShareLinksInput, input);
  if ("assetId" in data) {
    await loadActionableAsset(ctx, data.assetId);
    return viewsOf(ctx, eq(shareLinks.assetId, data.assetId));
  }
  if ("collectionId" in data) {
    await loadCollection(ctx, data.collectionId, "see");
    return viewsOf(ctx, eq(shareLinks.collectionId, data.collectionId));
  }
  return viewsOf(ctx, eq(shareLinks.createdBy, ctx.actor.id));
}

/** Ends a link at once. Its creator, an admin, or whoever may change what it shares. */
export async function revokeShareLink({ ctx, linkId }: { ctx: Ctx; linkId: string }): Promise<ShareLinkView> {
  assertMayShare(ctx);
  const [link] = /^[0-9a-f-]{36}$/i.test(linkId)
    ? await ctx.db.select().from(shareLinks).where(eq(shareLinks.id, linkId)).limit(1)
    : [];
  if (!link || !(await mayManage(ctx, link)))
    throw new AppError("not_found", "That link does not exist or is not yours to revoke.");
  if (!link.revokedAt) {
    await ctx.db.transaction(async (tx) => {
      const done = await tx
        .update(shareLinks)
        .set({ revokedAt: new Date(), revokedBy: ctx.actor.id })
        .where(and(eq(shareLinks.id, link.id)))
        .returning({ id: shareLinks.id });
      if (done.length)
        await recordAudit({
          db: tx,
          input: {
            actor: { id: ctx.actor.id, email: ctx.actor.email },
            action: "share_link.revoked",
            subject: { type: "share_link", id: link.id },
            data: { tokenHint: link.tokenHint },
            ip: ctx.ip,
          },
        });
    });
  }
  const [view] = await viewsOf(ctx, eq(shareLinks.id, link.id));
  return view!;
}

async function mayManage(ctx: Ctx, link: ShareLink): Promise<boolean> {
  if (link.createdBy === ctx.actor.id || ctx.actor.role === "admin") return true;
  if (link.assetId) {
    const [a] = await ctx.db.select({ ownerId: assets.ownerId }).from(assets).where(eq(assets.id, link.assetId));
    return !!a && seesAssetOwnedBy(ctx, a.ownerId);
  }
  const [c] = await ctx.db
    .select({ ownerId: collections.ownerId })
    .from(collections)
    .where(eq(collections.id, link.collectionId!));
  return !!c && canEditCollection(ctx, c);
}

export function linkState(link: Pick<ShareLink, "revokedAt" | "expiresAt">, now = new Date()): ShareLinkState {
  if (link.revokedAt) return "revoked";
  return link.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

async function viewsOf(ctx: Ctx, where: SQL): Promise<ShareLinkView[]> {
  const rows = await ctx.db
    .select({ link: shareLinks, creator: users.name, assetTitle: assets.title, collectionName: collections.name })
    .from(shareLinks)
    .innerJoin(users, eq(users.id, shareLinks.createdBy))
    .leftJoin(assets, eq(assets.id, shareLinks.assetId))
    .leftJoin(collections, eq(collections.id, shareLinks.collectionId))
    .where(where)
    .orderBy(desc(shareLinks.createdAt))
    .limit(200);
  const now = new Date();
  return rows.map(({ link, creator, assetTitle, collectionName }) => ({
    id: link.id,
    tokenHint: link.tokenHint,
    label: link.label,
    target: link.assetId
      ? { type: "asset" as const, id: link.assetId, title: assetTitle || "Untitled asset" }
      : { type: "collection" as const, id: link.collectionId!, title: collectionName ?? "Collection" },
    createdBy: creator,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    hasPassword: !!link.passwordHash,
    allowDownload: link.allowDownload,
    revokedAt: link.revokedAt?.toISOString() ?? null,
    viewCount: link.viewCount,
    lastViewedAt: link.lastViewedAt?.toISOString() ?? null,
    state: linkState(link, now),
  }));
}
