import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { VersionHistory, type HistoryRow } from "./version-history";

/**
 * One preset or template on its admin page: the active version's summary, "Edit — creates version
 * N+1" (only when there is an active version) and the version history with rollback.
 */
export function VersionedCard({
  kind,
  item,
  description,
  summary,
  edit,
}: {
  kind: "preset" | "template";
  item: { id: string; slug: string; name: string; active: { version: number } | null; versions: HistoryRow[] };
  description: ReactNode;
  summary: ReactNode;
  edit?: ((nextVersion: number) => ReactNode) | null | false;
}) {
  const { active, versions } = item;
  const nextVersion = (versions[0]?.version ?? 0) + 1;
  return (
    <div data-testid={`${kind}-${item.slug}`}>
      <Card
        title={item.name}
        description={description}
        actions={
          <span data-testid="active-version">
            <Badge tone={active ? "accent" : "bad"}>{active ? `v${active.version} active` : "no active version"}</Badge>
          </span>
        }
      >
        <div className="space-y-4">
          {summary}
          {edit && (
            <details className="rounded-md border border-stone-200 px-4 py-3">
              <summary className="cursor-pointer text-sm font-medium text-kiln-700">
                Edit — creates version {nextVersion}
              </summary>
              <div className="mt-4">{edit(nextVersion)}</div>
            </details>
          )}
          <details className="rounded-md border border-stone-200 px-4 py-3">
            <summary className="cursor-pointer text-sm font-medium text-stone-700">
              Version history ({versions.length})
            </summary>
            <div className="mt-3">
              <VersionHistory kind={kind} itemId={item.id} itemName={item.name} rows={versions} />
            </div>
          </details>
        </div>
      </Card>
    </div>
  );
}
