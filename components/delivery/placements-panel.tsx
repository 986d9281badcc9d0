import { Card } from "@/components/ui/card";
import type { Ctx } from "@/lib/auth/context";
import { getPlacementsPreview } from "@/lib/placements/preview";
import { FocalPointEditor } from "./focal-point-editor";

/** The asset page's "Placements" card: the focal point and every active placement's crop around it. */
export async function PlacementsPanel({ ctx, assetId }: { ctx: Ctx; assetId: string }) {
  const preview = await getPlacementsPreview({ ctx, assetId });
  if (!preview) return null;
  return (
    <Card
      title="Placements"
      description="Each placement is cropped around the focal point, then resized. Shaded bands: keep text out."
    >
      <FocalPointEditor
        assetId={preview.assetId}
        image={preview.image}
        focal={preview.focal}
        automatic={preview.automatic}
        canMove={preview.canMove}
        placements={preview.placements}
      />
    </Card>
  );
}
