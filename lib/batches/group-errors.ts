/** Row problems grouped by message: one line per distinct reason, with the rows it hit. */
export type ErrorGroup = { message: string; lines: number[]; summary: string };

/**
 * "2–5, 9, 12–14": consecutive line numbers as ranges, at most `max` pieces, then "and N more".
 * Lines are sorted and de-duplicated first.
 */
export function summariseLines(lines: readonly number[], max = 6): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const n of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else ranges.push([n, n]);
  }
  const pieces = ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  if (pieces.length <= max) return pieces.join(", ");
  const rest = ranges.slice(max).reduce((sum, [a, b]) => sum + b - a + 1, 0);
  return `${pieces.slice(0, max).join(", ")} and ${rest} more`;
}

/**
 * Groups rows' error messages: identical messages (a bad column value repeated down the file) become
 * one group with the lines summarised, largest group first, then by first line.
 */
export function groupRowErrors(
  rows: readonly { line: number; errors?: readonly string[]; reasons?: readonly string[] }[],
): ErrorGroup[] {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    for (const message of row.errors ?? row.reasons ?? []) {
      const lines = groups.get(message);
      if (lines) lines.push(row.line);
      else groups.set(message, [row.line]);
    }
  }
  return [...groups.entries()]
    .map(([message, lines]) => ({ message, lines, summary: summariseLines(lines) }))
    .sort((a, b) => b.lines.length - a.lines.length || Math.min(...a.lines) - Math.min(...b.lines));
}

/** "120 rows (lines 2–121): …" or "Line 7: …". */
export function describeGroup(group: ErrorGroup): string {
  const n = new Set(group.lines).size;
  return n === 1
    ? `Line ${group.lines[0]}: ${group.message}`
    : `${n.toLocaleString("en-US")} rows (lines ${group.summary}): ${group.message}`;
}
