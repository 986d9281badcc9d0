import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { CollectionBoard } from "@/components/collections/collection-board";
import { ExportDialog } from "@/components/delivery/export-dialog";
import { ShareLinkButton } from "@/components/delivery/share-link-dialog";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { getCollection } from "@/lib/collections";
import { notFoundOnAppError } from "@/lib/http/not-found";

export const metadata: Metadata = { title: "Collection" };

export default async function CollectionPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePageCtx("collections.use");
  const { id } = await params;
  const c = await notFoundOnAppError(getCollection({ ctx, collectionId: id }));
  const hidden = c.total - c.assets.length;
  return (
    <>
      <Link href="/collections" className="text-sm text-stone-500 hover:text-stone-800">
        ← Collections
      </Link>
      <PageHeader
        title={c.name}
        actions={
          <div className="flex items-center gap-2">
            {can(ctx.actor.role, "shares.create") && <ShareLinkButton target={{ collectionId: c.id }} />}
            {can(ctx.actor.role, "exports.create") && c.assets.length > 0 && (
              <ExportDialog
                selection={{ collectionId: c.id }}
                label={`Collection “${c.name}”`}
                buttonText="Export collection…"
              />
            )}
          </div>
        }
        description={
          <>
            {c.description && <span className="block">{c.description}</span>}
            <span data-testid="collection-meta">
              {c.assets.length} {c.assets.length === 1 ? "asset" : "assets"} · {c.mine ? "yours" : `by ${c.ownerName}`}{" "}
              · {c.shared ? `shared with ${c.teamName ?? "a team"}` : "private"}
              {!c.canEdit && " · read-only"}
              {hidden > 0 && ` · ${hidden} more you cannot see`}
            </span>
          </>
        }
      />
      <CollectionBoard collection={c} />
    </>
  );
}
