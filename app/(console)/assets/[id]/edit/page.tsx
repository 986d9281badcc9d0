import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { Editor } from "@/components/editor/editor";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getEditorView } from "@/lib/editing/editor-view";
import { notFoundOnAppError } from "@/lib/http/not-found";

export const metadata: Metadata = { title: "Editor" };

export default async function EditAssetPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePageCtx("assets.edit");
  const { id } = await params;
  const view = await notFoundOnAppError(getEditorView({ ctx, assetId: id }));
  return (
    <>
      <Link href={`/assets/${id}`} className="text-sm text-stone-500 hover:text-stone-800">
        ← Back to the asset
      </Link>
      <PageHeader
        title={`Editor — ${view.asset.title}`}
        description={`${view.asset.source === "uploaded" ? "Uploaded image, checked and reviewed as support" : `${view.asset.tier} tier`} · every edit runs as a background job and adds a version; the original is never overwritten`}
      />
      <Editor assetId={id} initial={view} />
    </>
  );
}
