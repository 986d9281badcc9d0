import type { Metadata } from "next";
import { PlacementsAdmin, type PlacementRow } from "@/components/delivery/placements-admin";
import { Card, PageHeader } from "@/components/ui/card";
import type { Placement } from "@/db/schema";
import { requirePageCtx } from "@/lib/auth/guard";
import { listPlacements } from "@/lib/placements";

export const metadata: Metadata = { title: "Placements" };

export default async function PlacementsPage() {
  const ctx = await requirePageCtx("delivery.manage");
  const { active, archived } = await listPlacements(ctx.db);
  return (
    <>
      <PageHeader
        title="Placements"
        description="The sizes Kiln delivers for each channel. Every placement is cropped around the asset's focal point and resized; its safe zone (where text overlays may not go) is drawn on the asset page's preview. Archived placements are no longer offered; past exports keep them."
      />
      <Card>
        <PlacementsAdmin active={active.map(row)} archived={archived.map(row)} />
      </Card>
    </>
  );
}

function row(p: Placement): PlacementRow {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    channel: p.channel,
    width: p.width,
    height: p.height,
    safeZone: p.safeZone,
    defaultFormat: p.defaultFormat,
    defaultQuality: p.defaultQuality,
    archived: p.archivedAt !== null,
  };
}
