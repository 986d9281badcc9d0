import { Card } from "@/components/ui/card";
import { requirePageCtx } from "@/lib/auth/guard";
import { getRightsCard } from "@/lib/rights/set-rights";
import { UsageRightsForm } from "./usage-rights-form";

/** The asset page's "Usage rights" card: licence, channels, expiry (amber within a week, red after). Loads its own data. */
export async function UsageRightsCard({ assetId }: { assetId: string }) {
  const ctx = await requirePageCtx("assets.view");
  const rights = await getRightsCard({ ctx, assetId });
  return (
    <Card title="Usage rights">
      <UsageRightsForm initial={rights} />
    </Card>
  );
}
