import Link from "@/components/ui/link";
import { Badge } from "@/components/ui/badge";
import type { CollectionCard } from "@/lib/collections";

// Static class names (Tailwind only emits classes it can see): the covers fill the strip whatever their number.
const COLS = ["grid-cols-1", "grid-cols-1", "grid-cols-2", "grid-cols-3", "grid-cols-4"] as const;

/** A board on the list page: up to four cover thumbnails, name, who made it, how many assets, whether it is shared. */
export function CollectionCardView({ c }: { c: CollectionCard }) {
  return (
    <li>
      <Link
        href={`/collections/${c.id}`}
        className="block overflow-hidden rounded-lg border border-stone-200 bg-white shadow-sm transition hover:border-kiln-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-kiln-500"
        data-testid={`collection-${c.name}`}
      >
        <div className={`grid aspect-[2/1] ${COLS[c.covers.length] ?? "grid-cols-4"} gap-px bg-stone-100`}>
          {c.covers.length === 0 ? (
            <span className="flex items-center justify-center text-xs text-stone-500">Empty</span>
          ) : (
            c.covers.map((url) => (
              // eslint-disable-next-line @next/next/no-img-element
              <img key={url} src={url} alt="" loading="lazy" className="h-full w-full object-cover" />
            ))
          )}
        </div>
        <div className="space-y-1 px-3 py-2">
          <div className="flex items-center justify-between gap-2">
            <span className="truncate font-medium text-stone-900">{c.name}</span>
            {c.teamName && <Badge tone="accent">{c.teamName}</Badge>}
          </div>
          <p className="text-xs text-stone-500">
            {c.assetCount} {c.assetCount === 1 ? "asset" : "assets"}
            {c.mine ? "" : ` · by ${c.ownerName}`}
          </p>
        </div>
      </Link>
    </li>
  );
}
