import type { CostTotals } from "@/lib/costs/report/totals";
import { count, money, percent, unitMoney } from "./format";
import { plural } from "@/lib/labels";

function Tile({
  label,
  value,
  note,
  testId,
  strong = false,
}: {
  label: string;
  value: string;
  note: string;
  testId: string;
  strong?: boolean;
}) {
  return (
    <div
      className={`rounded-lg border bg-white px-4 py-3 shadow-sm ${strong ? "border-kiln-500 ring-1 ring-kiln-100" : "border-stone-200"}`}
      data-testid={testId}
    >
      <div className="text-xs font-medium uppercase tracking-wide text-stone-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums text-stone-900" data-testid={`${testId}-value`}>
        {value}
      </div>
      <div className="mt-0.5 text-xs text-stone-500">{note}</div>
    </div>
  );
}

/** The five figures finance reads first; cost per usable asset is the one that matters. */
export function HeadlineTiles({ totals, filtered }: { totals: CostTotals; filtered: boolean }) {
  const decided = totals.approved + totals.rejected;
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
      <Tile
        label="Spend"
        value={money(totals.spendMicros)}
        note={
          filtered
            ? plural(totals.calls, "call")
            : `${plural(totals.calls, "call")} · ${money(totals.overheadMicros)} overhead`
        }
        testId="tile-spend"
      />
      <Tile
        label="Approved assets"
        value={count(totals.approved)}
        note="usable: approved in the range"
        testId="tile-approved"
      />
      <Tile
        label="Cost per usable asset"
        value={unitMoney(totals.costPerUsableMicros)}
        note={
          totals.approved
            ? `${money(totals.attributedMicros)} lineage spend ÷ ${count(totals.approved)}`
            : "nothing approved in the range yet"
        }
        testId="tile-cpu"
        strong
      />
      <Tile
        label="Reject rate"
        value={percent(totals.rejectRate)}
        note={`${count(totals.rejected)} of ${count(decided)} decided`}
        testId="tile-reject"
      />
      <Tile
        label="Retry rate"
        value={percent(totals.retryRate)}
        note={`${count(totals.retryCalls)} of ${count(totals.generationCalls)} generation calls`}
        testId="tile-retry"
      />
    </div>
  );
}
