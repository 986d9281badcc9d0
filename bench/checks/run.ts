/**
 * bench:checks — quality of the automated image checks on the calibration set, and their cost.
 *
 * Prints, per classical check, precision and recall on the labelled calibration set (tier
 * "support"; see bench/checks/classical.ts for what counts as a positive), then the classic time
 * ratio on a 1024×1024 PNG. The model checks' overhead comes from ./models when that module exists
 * (it exports `measureModelOverhead(): Promise<number>`), else NA. The last line is machine-readable:
 *
 *   min_precision=0.97 min_recall=0.96 classic_ratio=1.31 model_overhead_ratio=NA
 *
 * (minimums over sharpness, exposure, artefacts and duplicate; targets ≥ 0.95, ≥ 0.95, ≤ 1.5).
 *
 * Usage: tsx bench/checks/run.ts [--tier support|hero] [--runs 21] [--verbose]
 */
import { parseArgs } from "node:util";
import { evaluateClassicalChecks, measureClassicRatio, SCORED_CHECKS, type CheckMetrics } from "./classical";

const { values: args } = parseArgs({
  options: { tier: { type: "string" }, runs: { type: "string" }, verbose: { type: "boolean" } },
  strict: true,
});
const tierArg = args.tier ?? "support";
if (tierArg !== "support" && tierArg !== "hero")
  throw new Error("--tier must be support or hero (the classical checks do not run on draft)");
const tier: "support" | "hero" = tierArg;
const RUNS = Number(args.runs ?? 21);

type ModelHook = { measureModelOverhead?: () => Promise<number> };

/** The model checks' bench, when another module provides it; undefined when there is none. */
async function modelOverhead(): Promise<number | undefined> {
  const specifier = "./models"; // not a literal, so the type checker does not require the file
  let hook: ModelHook;
  try {
    hook = (await import(specifier)) as ModelHook;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      String((error as Error).message).includes("models")
    )
      return undefined;
    throw error;
  }
  if (typeof hook.measureModelOverhead !== "function")
    throw new Error("bench/checks/models must export measureModelOverhead(): Promise<number>");
  return hook.measureModelOverhead();
}

function table(metrics: CheckMetrics[]) {
  const rows = [
    ["check", "positives", "negatives", "TP", "FP", "FN", "precision", "recall"],
    ...metrics.map((m) =>
      [
        m.check,
        m.positives,
        m.negatives,
        m.truePositives,
        m.falsePositives,
        m.falseNegatives,
        m.precision.toFixed(3),
        m.recall.toFixed(3),
      ].map(String),
    ),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows)
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}

async function main() {
  const started = performance.now();
  const metrics = await evaluateClassicalChecks({ tier });
  console.log(`Calibration set, tier ${tier} (${((performance.now() - started) / 1000).toFixed(1)} s):`);
  table(metrics);
  for (const m of metrics) {
    if (m.errors.length === 0) continue;
    const shown = args.verbose ? m.errors : m.errors.slice(0, 5);
    console.log(
      `  ${m.check} errors: ${shown.join("; ")}${shown.length < m.errors.length ? `; … ${m.errors.length - shown.length} more (--verbose)` : ""}`,
    );
  }
  const ratio = await measureClassicRatio({ runs: RUNS });
  console.log(
    `Classic time on a 1024×1024 PNG (median of ${ratio.runs}): floor ${ratio.floorMs.toFixed(1)} ms (sharp decode + resize), ` +
      `prepare + classical checks ${ratio.classicMs.toFixed(1)} ms, ratio ${ratio.ratio.toFixed(2)}`,
  );
  const model = await modelOverhead();
  const scored = metrics.filter((m) => (SCORED_CHECKS as readonly string[]).includes(m.check));
  const minPrecision = Math.min(...scored.map((m) => m.precision));
  const minRecall = Math.min(...scored.map((m) => m.recall));
  console.log(
    `min_precision=${minPrecision.toFixed(2)} min_recall=${minRecall.toFixed(2)} classic_ratio=${ratio.ratio.toFixed(2)} model_overhead_ratio=${model === undefined ? "NA" : model.toFixed(2)}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
