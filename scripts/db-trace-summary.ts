/**
 * Sums a KILN_DB_TRACE file (docs/operations.md): how many calls and statements the embedded
 * database ran, how long it was held and how much of that PGlite worked (the rest waited for the
 * caller's next statement), and the transactions that kept it waiting longest, grouped by their
 * first statements. With `--images N` it also prints the figures per image (bench:pipeline counts N
 * measured images plus its 8-image warm-up).
 *
 * Usage: tsx scripts/db-trace-summary.ts <trace.jsonl> [--images N] [--top 8]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { HoldTrace } from "@/db/remote/host";

export type TraceLine = HoldTrace & { at: number };

export type TraceSummary = {
  calls: number;
  statements: number;
  transactions: number;
  heldMs: number;
  busyMs: number;
  /** Held but idle: the database waited for its caller inside a transaction. */
  idleInHoldMs: number;
  callerWaits: number;
  /** Transactions grouped by their first three statements, most idle hold first. */
  idlest: { shape: string; count: number; idleMs: number; callerWaitsEach: number }[];
};

/** A transaction's statements as the host writes them: `[ms] sql | [ms] sql …`. */
function statementsOf(line: TraceLine): string[] {
  return line.sql
    .split(" | ")
    .map((s) => s.replace(/^\[[^\]]*\]\s*/, ""))
    .filter((s) => s.trim());
}

export function summariseTrace(lines: TraceLine[], top = 8): TraceSummary {
  const shapes = new Map<string, { count: number; idleMs: number; callerWaits: number }>();
  const summary: TraceSummary = {
    calls: lines.length,
    statements: 0,
    transactions: 0,
    heldMs: 0,
    busyMs: 0,
    idleInHoldMs: 0,
    callerWaits: 0,
    idlest: [],
  };
  for (const line of lines) {
    // The host counts a query or an exec as one statement, a transaction as the statements it ran.
    summary.statements += line.statements;
    summary.heldMs += line.heldMs;
    summary.busyMs += line.busyMs;
    summary.callerWaits += line.callerWaits;
    if (line.kind !== "transaction") continue;
    summary.transactions += 1;
    const shape = statementsOf(line)
      .slice(0, 3)
      .map((s) => s.replace(/\s+/g, " ").slice(0, 60))
      .join(" | ");
    const entry = shapes.get(shape) ?? { count: 0, idleMs: 0, callerWaits: 0 };
    entry.count += 1;
    entry.idleMs += line.heldMs - line.busyMs;
    entry.callerWaits += line.callerWaits;
    shapes.set(shape, entry);
  }
  summary.idleInHoldMs = summary.heldMs - summary.busyMs;
  summary.idlest = [...shapes]
    .map(([shape, e]) => ({ shape, count: e.count, idleMs: e.idleMs, callerWaitsEach: e.callerWaits / e.count }))
    .sort((a, b) => b.idleMs - a.idleMs)
    .slice(0, top);
  return summary;
}

export function parseTrace(text: string): TraceLine[] {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TraceLine);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { images: { type: "string" }, top: { type: "string" } },
  });
  const file = positionals[0];
  if (!file) throw new Error("Usage: tsx scripts/db-trace-summary.ts <trace.jsonl> [--images N] [--top 8]");
  const s = summariseTrace(parseTrace(readFileSync(file, "utf8")), Number(values.top ?? 8));
  const images = values.images ? Number(values.images) : undefined;
  const per = (x: number) => (images ? ` (${(x / images).toFixed(1)} per image)` : "");
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`calls                      ${s.calls}${per(s.calls)}`);
  console.log(`statements                 ${s.statements}${per(s.statements)}`);
  console.log(`transactions               ${s.transactions}${per(s.transactions)}`);
  console.log(`held                       ${sec(s.heldMs)}${per(s.heldMs)}`);
  console.log(`PGlite busy in holds       ${sec(s.busyMs)}${per(s.busyMs)}`);
  console.log(`idle in holds (the caller) ${sec(s.idleInHoldMs)}${per(s.idleInHoldMs)}`);
  console.log(`round trips inside holds   ${s.callerWaits}${per(s.callerWaits)}`);
  console.log(
    "\ntransactions that kept the database waiting longest (count, idle, round trips each, first statements):",
  );
  for (const t of s.idlest)
    console.log(
      `${String(t.count).padStart(6)} ${sec(t.idleMs).padStart(8)} ${t.callerWaitsEach.toFixed(1).padStart(5)}  ${t.shape}`,
    );
}

if (process.argv[1]?.endsWith("db-trace-summary.ts")) main();
