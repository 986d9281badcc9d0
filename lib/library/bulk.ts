import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { assets, assetVersions } from "@/db/schema";
import type { Ctx } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { addToCollection, loadCollection } from "@/lib/collections";
import { sendToReview } from "@/lib/editing/send-to-review";
import { AppError, parseInput } from "@/lib/errors";
import { tagAssets, untagAssets } from "@/lib/tags";
import { MAX_ASSETS_PER_CHANGE, MAX_ASSETS_SENT_TO_REVIEW } from "./limits";
import { partitionAssets, SKIP_REASON_TEXT, type SkipReason } from "./partition";
import { resolveSelection } from "./selection";

export const bulkActionInput = z
  .object({
    action: z.enum(["tag", "untag", "collect", "send_to_review"], {
      error: "Choose tag, untag, add to collection or send to review.",
    }),
    selection: z
      .object({
        assetIds: z.array(z.string().uuid("Unknown asset.")).max(10_000, "At most 10,000 assets.").optional(),
        query: z.string().max(2000, "The query is too long.").optional(),
      })
      .refine((s) => (s.assetIds?.length ?? 0) > 0 || s.query !== undefined, "Select some assets first."),
    tags: z.array(z.string()).optional(),
    collectionId: z.string().uuid("Unknown collection.").optional(),
  })
  .superRefine((v, issue) => {
    if ((v.action === "tag" || v.action === "untag") && !v.tags?.length)
      issue.addIssue({ code: "custom", path: ["tags"], message: "Name at least one tag." });
    if (v.action === "collect" && !v.collectionId)
      issue.addIssue({ code: "custom", path: ["collectionId"], message: "Choose a collection." });
  });

export type BulkResult = { affected: number; skipped: number; message: string };

/** "not found: 2, already approved: 1" */
function reasonsText(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${(SKIP_REASON_TEXT[r as SkipReason] ?? r).replace(/\.$/, "")}: ${n}`).join("; ");
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

function result(verb: string, affected: number, skippedReasons: string[]): BulkResult {
  const skipped = skippedReasons.length;
  const message = `${verb.replace("{n}", plural(affected, "asset"))}${skipped ? ` Skipped ${plural(skipped, "asset")} (${reasonsText(skippedReasons)}).` : ""}`;
  return { affected, skipped, message };
}

/**
 * The library's bulk actions over a selection (ticked tiles or "every result of this query").
 * The selection resolves to the assets the actor may see; explicit ids that are not among them
 * count as skipped ("not found"). Each action then applies its own rule per asset and says what
 * it skipped and why, instead of failing the whole request for one asset.
 */
export async function runBulkAction({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<BulkResult> {
  const data = parseInput(bulkActionInput, input);
  if (!can(ctx.actor.role, "assets.view")) throw new AppError("forbidden", "Your role does not use the library.");
  const limit = data.action === "send_to_review" ? MAX_ASSETS_SENT_TO_REVIEW : MAX_ASSETS_PER_CHANGE;
  if ((data.selection.assetIds?.length ?? 0) > limit)
    throw new AppError("invalid_input", `Select at most ${limit.toLocaleString("en")} assets for this action.`);
  const ids = await resolveSelection({ ctx, selection: data.selection });
  if (ids.length > limit)
    throw new AppError(
      "invalid_input",
      `The selection holds ${ids.length.toLocaleString("en")} assets; this action takes at most ${limit.toLocaleString("en")} at a time. Narrow the search.`,
    );
  const found = new Set(ids);
  const missing = [...new Set(data.selection.assetIds ?? [])].filter((id) => !found.has(id)).map(() => "not_found");
  if (ids.length === 0) return result("Nothing changed.", 0, missing);

  if (data.action === "tag" || data.action === "untag") {
    const change = await (data.action === "tag" ? tagAssets : untagAssets)({
      ctx,
      input: { assetIds: ids, tags: data.tags },
    });
    const verb = `${data.action === "tag" ? "Tagged" : "Untagged"} {n} (${change.tags.join(", ")}).`;
    return result(verb, change.affected, [...missing, ...change.skipped.map((s) => s.reason)]);
  }
  if (data.action === "collect") {
    const collection = await loadCollection(ctx, data.collectionId!, "edit");
    const change = await addToCollection({ ctx, input: { collectionId: collection.id, assetIds: ids } });
    const already = change.affected - change.changed;
    const verb = `Added {n} to “${collection.name}”${already ? ` (${plural(already, "was", "were")} already on it)` : ""}.`;
    return result(verb, change.affected, [...missing, ...change.skipped.map((s) => s.reason)]);
  }
  return sendSelectionToReview(ctx, ids, missing);
}

/** The editor's rule per asset (sendToReviewBlocker): own assets, current version, only where a person is not already asked. */
async function sendSelectionToReview(ctx: Ctx, ids: string[], missing: string[]): Promise<BulkResult> {
  if (!can(ctx.actor.role, "assets.edit"))
    throw new AppError("forbidden", "Only designers and admins send assets to review.");
  const { allowed, skipped } = await partitionAssets(ctx, ids, "act");
  const reasons = [...missing, ...skipped.map((s) => s.reason)];
  const current = allowed.length
    ? await ctx.db
        .select({ id: assets.id, number: assetVersions.number })
        .from(assets)
        .innerJoin(assetVersions, eq(assetVersions.id, assets.currentVersionId))
        .where(inArray(assets.id, allowed))
    : [];
  let sent = 0;
  for (const a of current) {
    try {
      await sendToReview({ ctx, input: { assetId: a.id, versionNumber: a.number } });
      sent += 1;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      reasons.push(
        error.message
          .replace(/[:;].*$/, "")
          .replace(/\.$/, "")
          .toLowerCase(),
      );
    }
  }
  for (let i = current.length; i < allowed.length; i += 1) reasons.push("no image yet");
  return result("Sent {n} to review.", sent, reasons);
}
