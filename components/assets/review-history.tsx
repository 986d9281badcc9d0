import { DECISION_LABEL, EDIT_OPERATION_LABEL, reasonLabel } from "@/lib/labels";
import type { AssetDetail } from "@/lib/assets/asset-detail";

const TONE = {
  approve: "text-emerald-700",
  approve_with_changes: "text-emerald-700",
  request_changes: "text-amber-700",
  reject: "text-red-700",
} as const;

/** Every review decision on the asset, newest first, with comments and reasons; undone ones struck through. */
export function ReviewHistory({
  review,
  approvalId,
  versions,
}: {
  review: AssetDetail["review"];
  approvalId: string | null;
  versions: AssetDetail["versions"];
}) {
  return (
    <div className="space-y-2 text-sm" data-testid="review-history">
      {versions.length > 1 && (
        <p className="text-xs text-stone-500" data-testid="version-history">
          Versions:{" "}
          {versions
            .map(
              (v) =>
                `v${v.number} ${EDIT_OPERATION_LABEL[v.operation] ?? v.operation}${v.by ? ` by ${v.by}` : ""}${v.current ? " (current)" : ""}`,
            )
            .join(" · ")}
        </p>
      )}
      {approvalId && (
        <p>
          Approval ID <code className="rounded bg-emerald-50 px-1 text-emerald-800">{approvalId}</code>
        </p>
      )}
      {review.approvalsNeeded > 1 && (
        <p className="text-stone-500">
          {review.approvals} of {review.approvalsNeeded} approvals on this version (four-eyes).
        </p>
      )}
      {review.decisions.length === 0 ? (
        <p className="text-stone-500">No review decision yet.</p>
      ) : (
        <ul className="divide-y divide-stone-100">
          {review.decisions.map((d) => (
            <li
              key={d.id}
              className={`py-1.5 ${d.undone ? "text-stone-500 line-through" : ""}`}
              data-decision={d.decision}
            >
              <span className="font-medium">{d.reviewer}</span>{" "}
              <span className={d.undone ? "" : TONE[d.decision]}>{DECISION_LABEL[d.decision]}</span>
              {d.reasonCode && <span className="text-xs"> · {reasonLabel(d.reasonCode)}</span>}{" "}
              <span className="text-xs text-stone-500">
                v{d.version} · {new Date(d.at).toLocaleString()}
              </span>
              {d.comment && <p className="mt-0.5 text-stone-700">“{d.comment}”</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
