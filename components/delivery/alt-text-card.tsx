import { Card } from "@/components/ui/card";
import { getAltTextView } from "@/lib/alt-text/view";
import { requirePageCtx } from "@/lib/auth/guard";
import { AltTextEditor } from "./alt-text-editor";

/** The asset page's alt text card (server part: loads the view; the editor polls while a draft is made). */
export async function AltTextCard({ assetId }: { assetId: string }) {
  const ctx = await requirePageCtx("assets.view");
  const view = await getAltTextView({ ctx, assetId });
  return (
    <Card
      title="Alt text"
      description="Needed before the asset can be published: drafted by an engine, confirmed by a person."
    >
      <AltTextEditor assetId={assetId} initial={view} />
    </Card>
  );
}
