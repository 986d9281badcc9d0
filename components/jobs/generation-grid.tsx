import Link from "@/components/ui/link";
import { AssetStatusBadge, CheckBadges } from "@/components/checks/check-badges";
import { Badge } from "@/components/ui/badge";
import type { GenerationRow } from "@/lib/generation/batch-views";
import { GENERATION_STATUS_LABEL, generationErrorLabel } from "@/lib/labels";

const PLACEHOLDER = {
  queued: "Queued",
  running: "Generating…",
  succeeded: "Making thumbnail…",
  dead_lettered: "Failed",
  cancelled: "Cancelled",
} as const;
const TONE = {
  queued: "neutral",
  running: "accent",
  succeeded: "good",
  dead_lettered: "bad",
  cancelled: "neutral",
} as const;

/**
 * Each generation as a tile: the thumbnail once it exists (linking to the asset page), its state,
 * the checks' verdict with one badge per check, and its reason if it failed or was rejected.
 */
export function GenerationGrid({
  rows,
  onRetry,
  canRetry,
}: {
  rows: GenerationRow[];
  onRetry: (id: string) => void;
  canRetry: boolean;
}) {
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-6">
      {rows.map((g) => (
        <li
          key={g.id}
          className="overflow-hidden rounded-lg border border-stone-200 bg-white text-xs shadow-sm"
          data-testid="generation-tile"
          data-status={g.status}
          data-asset-status={g.check?.status ?? ""}
          data-reroll-depth={g.rerollDepth}
        >
          <Tile g={g} />
          <div className="space-y-1 p-2">
            <p className="truncate font-medium text-stone-800" title={titleHint(g)} data-testid="generation-title">
              {g.title}
            </p>
            <div className="flex items-center justify-between gap-1">
              <span className="text-stone-500">
                line {g.line} · v{g.variant + 1}
                {g.rerollDepth > 0 && (
                  <span title="Generated again with a new seed after the checks rejected the previous image">
                    {" "}
                    · re-roll {g.rerollDepth}
                  </span>
                )}
              </span>
              {g.check ? (
                <AssetStatusBadge status={g.check.status} reason={g.check.statusReason} />
              ) : (
                <Badge tone={TONE[g.status as keyof typeof TONE] ?? "neutral"}>
                  {GENERATION_STATUS_LABEL[g.status] ?? g.status}
                </Badge>
              )}
            </div>
            {g.check && <CheckBadges checks={g.check.checks} />}
            {g.waiting && (
              <p className="text-amber-800" data-testid="generation-waiting" title={g.waiting}>
                waiting: {g.waiting}
              </p>
            )}
            <p className="line-clamp-2 text-stone-600" title={g.prompt}>
              {g.prompt}
            </p>
            {g.status === "dead_lettered" && (
              <div className="text-red-700">
                <span data-testid="generation-error" title={g.errorCode ?? undefined}>
                  {generationErrorLabel(g.errorCode)}
                </span>{" "}
                {g.errorMessage && <span title={g.errorMessage}>— {g.errorMessage.slice(0, 80)}</span>}
                {canRetry && (
                  <button
                    type="button"
                    onClick={() => onRetry(g.id)}
                    className="ml-1 font-medium text-kiln-700 hover:underline"
                  >
                    Retry
                  </button>
                )}
              </div>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The full title and the row's carried columns (SKU, category…) on hover. */
function titleHint(g: GenerationRow): string {
  const carried = Object.entries(g.carried).map(([k, v]) => `${k}: ${v}`);
  return [g.title, ...carried].join("\n");
}

function Tile({ g }: { g: GenerationRow }) {
  const body = g.thumbUrl ? (
    // eslint-disable-next-line @next/next/no-img-element
    <img src={g.thumbUrl} alt={g.title} className="h-full w-full object-contain" loading="lazy" />
  ) : (
    <span className="px-2 text-center text-stone-500">
      {PLACEHOLDER[g.status as keyof typeof PLACEHOLDER] ?? g.status}
    </span>
  );
  const className = "flex aspect-square items-center justify-center bg-stone-100";
  return g.check ? (
    <Link href={`/assets/${g.check.assetId}`} className={className} aria-label={`Open asset: ${g.title}`}>
      {body}
    </Link>
  ) : (
    <div className={className}>{body}</div>
  );
}
