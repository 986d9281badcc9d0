import type { Metadata } from "next";
import { TagsEditor } from "@/components/admin/tags-editor";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { listTagsForAdmin } from "@/lib/tags";

export const metadata: Metadata = { title: "Tags" };

export default async function TagsPage() {
  const ctx = await requirePageCtx("tags.curate");
  const tags = await listTagsForAdmin({ ctx });
  return (
    <>
      <PageHeader
        title="Tags"
        description="Curated tags are offered first wherever people tag assets; anyone who tags may also add free tags. Renaming or deleting a tag changes every asset that carries it."
      />
      <Card>
        <TagsEditor tags={tags.map((t) => ({ id: t.id, name: t.name, curated: t.curated, uses: t.uses }))} />
      </Card>
    </>
  );
}
