import { reasonLabel } from "@/lib/labels";
import type { CheckResultView } from "@/lib/checks/views";

const VERDICT = {
  pass: { label: "pass", className: "bg-emerald-100 text-emerald-800" },
  warn: { label: "warn", className: "bg-amber-100 text-amber-800" },
  fail: { label: "fail", className: "bg-red-100 text-red-800" },
} as const;

function num(n: number | null): string {
  if (n === null) return "—";
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** Every check of the newest run: what it measured, against which threshold, its verdict and why. */
export function CheckPanel({ results }: { results: CheckResultView[] }) {
  if (results.length === 0) return <p className="text-sm text-stone-500">No check has reported yet.</p>;
  return (
    // Scrolls inside its card on a narrow screen rather than widening the page.
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Automated checks">
      <table className="w-full text-sm" data-testid="check-panel">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-stone-500">
            <th className="py-1 pr-3 font-medium">Check</th>
            <th className="py-1 pr-3 text-right font-medium">Score</th>
            <th className="py-1 pr-3 text-right font-medium">Threshold</th>
            <th className="py-1 pr-3 font-medium">Verdict</th>
            <th className="py-1 font-medium">Why</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {results.map((r) => (
            <tr key={r.checkId} data-check={r.checkId} data-verdict={r.verdict} className="align-top">
              <td className="py-2 pr-3">
                <div className="font-medium text-stone-900">{r.label}</div>
                <div className="text-xs text-stone-500">
                  {r.checkId} v{r.version} · {r.group} · {r.durationMs} ms
                </div>
              </td>
              <td className="py-2 pr-3 text-right tabular-nums">{num(r.score)}</td>
              <td className="py-2 pr-3 text-right tabular-nums">{num(r.threshold)}</td>
              <td className="py-2 pr-3">
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${VERDICT[r.verdict].className}`}>
                  {r.error ? "error → review" : VERDICT[r.verdict].label}
                </span>
                {r.reasonCode && <div className="mt-1 text-xs text-stone-500">{reasonLabel(r.reasonCode)}</div>}
              </td>
              <td className="break-words py-2 text-stone-700">{r.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
