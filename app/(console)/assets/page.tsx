import type { Metadata } from "next";
import { Suspense } from "react";
import { LibraryView } from "@/components/library/library-view";
import { GridSkeleton } from "@/components/library/asset-grid";
import { PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Library" };

/** The asset library. The visibility rule is applied by the search API; this page only checks the role may see assets at all. */
export default async function LibraryPage() {
  const { actor } = await requirePageCtx("assets.view");
  const everyone = actor.role !== "designer";
  return (
    <>
      <PageHeader
        title="Library"
        description={
          everyone
            ? "Every asset in Kiln, searchable by what made it and what happened to it. Filters live in the address: share it, or save the search."
            : "Your assets, searchable by what made them and what happened to them. Filters live in the address: share it, or save the search."
        }
      />
      {/* useSearchParams needs a boundary; the skeleton shows until the client has the URL. */}
      <Suspense fallback={<GridSkeleton density="comfortable" />}>
        <LibraryView
          canGenerate={can(actor.role, "generations.create")}
          can={{
            tag: can(actor.role, "tags.apply"),
            collect: can(actor.role, "collections.use"),
            sendToReview: can(actor.role, "assets.edit"),
            exportAssets: can(actor.role, "exports.create"),
          }}
        />
      </Suspense>
    </>
  );
}
