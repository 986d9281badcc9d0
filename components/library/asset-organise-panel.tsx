import { Card } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getOrganisePanel } from "@/lib/library/organise-panel";
import { OrganisePanelControls } from "./organise-panel-controls";

/** The asset page's "Organise" card: star, tags (curated suggestions first), collections. Loads its own data. */
export async function AssetOrganisePanel({ assetId }: { assetId: string }) {
  const ctx = await requirePageCtx("assets.view");
  const data = await getOrganisePanel({ ctx, assetId });
  return (
    <Card title="Organise">
      <OrganisePanelControls initial={data} />
    </Card>
  );
}
