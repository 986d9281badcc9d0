"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { BreakdownCell } from "@/lib/costs/report/breakdown";
import { OUTCOME_LABELS, PURPOSE_LABELS, SPEND_OUTCOMES, SPEND_PURPOSES } from "@/lib/costs/report/labels";
import type { CostDay } from "@/lib/costs/report/series";
import { money, percent, shortDay, unitMoney } from "./format";

const AXIS = { fontSize: 11, fill: "var(--color-stone-500)" };
const GRID = "var(--color-stone-200)";
/** Compact dollars for an axis ($0.004, $12, $1.2K); the tooltip shows the exact amount. */
const AXIS_MONEY = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  notation: "compact",
  maximumSignificantDigits: 3,
});
const axisMoney = (micros: number) => AXIS_MONEY.format(micros / 1_000_000);
const OUTCOME_COLOURS: Record<string, string> = {
  approved: "#059669",
  rejected: "#dc2626",
  in_review: "#0ea5e9",
  changes_requested: "#f59e0b",
  checking: "#a8a29e",
  no_image: "#57534e",
  overhead: "#d6d3d1",
};

function Empty({ what }: { what: string }) {
  return (
    <div className="flex h-[220px] items-center justify-center rounded-md bg-stone-50 text-sm text-stone-500">
      {what}
    </div>
  );
}

export function SpendChart({ series }: { series: CostDay[] }) {
  if (series.every((d) => d.spendMicros === 0)) return <Empty what="No spend in this range." />;
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} minTickGap={16} />
        <YAxis tickFormatter={axisMoney} tick={AXIS} width={56} />
        <Tooltip labelFormatter={(d) => shortDay(String(d))} formatter={(v) => [money(Number(v)), "Spend"]} />
        <Bar dataKey="spendMicros" fill="#c2410c" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function CostPerUsableChart({ series }: { series: CostDay[] }) {
  if (series.every((d) => d.costPerUsableMicros === null))
    return <Empty what="No asset was approved in this range yet." />;
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} minTickGap={16} />
        <YAxis tickFormatter={axisMoney} tick={AXIS} width={56} />
        <Tooltip
          labelFormatter={(d) => shortDay(String(d))}
          formatter={(v) => [unitMoney(v === null ? null : Number(v)), "Cost per usable asset"]}
        />
        <Line
          dataKey="costPerUsableMicros"
          stroke="#9a3412"
          strokeWidth={2}
          dot={{ r: 2 }}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}

export function RejectRateChart({ series }: { series: CostDay[] }) {
  if (series.every((d) => d.rejectRate === null))
    return <Empty what="No asset was approved or rejected in this range yet." />;
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} minTickGap={16} />
        <YAxis tickFormatter={(v: number) => `${Math.round(v * 100)}%`} domain={[0, 1]} tick={AXIS} width={40} />
        <Tooltip
          labelFormatter={(d) => shortDay(String(d))}
          formatter={(v, name) => [
            percent(v === null ? null : Number(v)),
            name === "retryRate" ? "Retry rate" : "Reject rate",
          ]}
        />
        <Legend
          formatter={(name) => (name === "retryRate" ? "Retry rate" : "Reject rate")}
          wrapperStyle={{ fontSize: 12 }}
        />
        <Line
          dataKey="rejectRate"
          stroke="#dc2626"
          strokeWidth={2}
          dot={{ r: 2 }}
          connectNulls
          isAnimationActive={false}
        />
        <Line dataKey="retryRate" stroke="#0ea5e9" strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Where the money went: one bar per purpose, stacked by what became of the image. */
export function BreakdownChart({ cells }: { cells: BreakdownCell[] }) {
  if (cells.length === 0) return <Empty what="No spend in this range." />;
  const data = SPEND_PURPOSES.map((purpose) => ({
    purpose: PURPOSE_LABELS[purpose],
    ...Object.fromEntries(cells.filter((c) => c.purpose === purpose).map((c) => [c.outcome, c.micros])),
  }));
  const outcomes = SPEND_OUTCOMES.filter((o) => cells.some((c) => c.outcome === o));
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, left: 8, bottom: 0 }}>
        <CartesianGrid stroke={GRID} horizontal={false} />
        <XAxis type="number" tickFormatter={axisMoney} tick={AXIS} />
        <YAxis type="category" dataKey="purpose" tick={AXIS} width={150} />
        <Tooltip
          formatter={(v, name) => [
            money(Number(v)),
            OUTCOME_LABELS[name as keyof typeof OUTCOME_LABELS] ?? String(name),
          ]}
        />
        <Legend
          formatter={(name) => OUTCOME_LABELS[name as keyof typeof OUTCOME_LABELS] ?? name}
          wrapperStyle={{ fontSize: 12 }}
        />
        {outcomes.map((o) => (
          <Bar key={o} dataKey={o} stackId="spend" fill={OUTCOME_COLOURS[o]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function PerHourChart({ hours }: { hours: { hour: string; succeeded: number; deadLettered: number }[] }) {
  if (hours.length === 0) return <Empty what="No generation finished in this range." />;
  const label = (h: string) =>
    new Date(h).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", timeZone: "UTC" });
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={hours} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="hour" tickFormatter={label} tick={AXIS} minTickGap={24} />
        <YAxis allowDecimals={false} tick={AXIS} width={40} />
        <Tooltip labelFormatter={(h) => `${label(String(h))} UTC`} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="succeeded" name="Succeeded" stackId="h" fill="#059669" isAnimationActive={false} />
        <Bar dataKey="deadLettered" name="Dead-lettered" stackId="h" fill="#dc2626" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
