import { Badge } from "@/components/ui/badge";
import type { AssetStatus, CheckBadge } from "@/lib/checks/views";
import { ASSET_STATUS_LABEL, reasonLabel, reasonsLabel, VERDICT_LABEL } from "@/lib/labels";

export const ASSET_STATUS_TONE = {
  checking: "accent",
  in_review: "warn",
  approved: "good",
  rejected: "bad",
  changes_requested: "warn",
} as const;

const VERDICT_STYLE = {
  pass: "border-emerald-200 bg-emerald-50 text-emerald-800",
  warn: "border-amber-200 bg-amber-50 text-amber-800",
  fail: "border-red-200 bg-red-50 text-red-800",
} as const;
const VERDICT_MARK = { pass: "✓", warn: "!", fail: "✕" } as const;

/** One small chip per check: ✓ passed, ! uncertain (a person decides), ✕ failed; errored checks say so. */
export function CheckBadges({ checks }: { checks: CheckBadge[] }) {
  if (checks.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Check results">
      {checks.map((c) => (
        <li
          key={c.checkId}
          data-check={c.checkId}
          data-verdict={c.verdict}
          title={`${c.label}: ${c.errored ? "could not run" : VERDICT_LABEL[c.verdict]}${c.reasonCode ? ` (${reasonLabel(c.reasonCode)})` : ""}`}
          className={`rounded border px-1 py-px text-[10px] leading-tight ${VERDICT_STYLE[c.verdict]}`}
        >
          {VERDICT_MARK[c.verdict]} {c.checkId}
        </li>
      ))}
    </ul>
  );
}

export function AssetStatusBadge({ status, reason }: { status: AssetStatus; reason?: string | null }) {
  return (
    <span data-testid="asset-status" data-status={status} data-reason={reason ?? ""}>
      <Badge tone={ASSET_STATUS_TONE[status]}>
        {ASSET_STATUS_LABEL[status]}
        {reason && status !== "approved" && reason !== status ? ` · ${reasonsLabel(reason)}` : ""}
      </Badge>
    </span>
  );
}
