import type { Metadata } from "next";
import { CollectionCardView } from "@/components/collections/collection-card";
import { CreateCollectionForm } from "@/components/collections/create-collection-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listCollections } from "@/lib/collections";

export const metadata: Metadata = { title: "Collections" };

export default async function CollectionsPage() {
  const ctx = await requirePageCtx("collections.use");
  const { mine, shared, teamName } = await listCollections({ ctx });
  return (
    <>
      <PageHeader
        title="Collections"
        description={`Boards of assets you put together. A board shared with your team${teamName ? ` (${teamName})` : ""} shows it and its images to every member, read-only; only you change it.`}
      />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,1fr)]">
        <div className="space-y-8">
          <section aria-labelledby="mine">
            <h2 id="mine" className="mb-3 text-sm font-semibold uppercase tracking-wide text-stone-500">
              Your collections
            </h2>
            {mine.length === 0 ? (
              <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-sm text-stone-500">
                No collections yet. Create one here, or open an asset and use “Create &amp; add” in its Organise card;
                from the library, select assets and choose “Add to collection”.
              </p>
            ) : (
              <ul className="grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-4" data-testid="my-collections">
                {mine.map((c) => (
                  <CollectionCardView key={c.id} c={c} />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="shared">
            <h2 id="shared" className="mb-3 text-sm font-semibold uppercase tracking-wide text-stone-500">
              Shared with your team
            </h2>
            {shared.length === 0 ? (
              <p className="text-sm text-stone-500">
                {teamName
                  ? `Nobody in ${teamName} has shared a collection yet.`
                  : "You are not in a team, so nothing is shared with you. An admin adds you to one on the Users page."}
              </p>
            ) : (
              <ul
                className="grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-4"
                data-testid="shared-collections"
              >
                {shared.map((c) => (
                  <CollectionCardView key={c.id} c={c} />
                ))}
              </ul>
            )}
          </section>
        </div>
        <Card title="New collection">
          <CreateCollectionForm teamName={teamName} />
        </Card>
      </div>
    </>
  );
}
