import { rightsLabel, rightsState } from "@/lib/rights/status";

/** "Expired on …" (red) or "Expires in 5 days" (amber); nothing while the rights are far from ending. */
export function RightsFlag({ expiresAt, compact = false }: { expiresAt: string | null; compact?: boolean }) {
  const state = rightsState(expiresAt);
  if (state !== "expired" && state !== "expiring") return null;
  const label = rightsLabel(expiresAt)!;
  const tone =
    state === "expired" ? "bg-red-100 text-red-800 ring-red-300" : "bg-amber-100 text-amber-900 ring-amber-300";
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${tone}`}
      data-testid="rights-flag"
      data-rights={state}
      title={`Usage rights: ${label.toLowerCase()}`}
    >
      {compact ? (state === "expired" ? "Rights expired" : "Rights expiring") : label}
    </span>
  );
}
