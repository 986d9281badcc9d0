/**
 * bench:checks — quality of the automated image checks, measured on pictures the thresholds were not
 * tuned on, and their cost.
 *
 * 1. The labelled set (lib/checks/calibration/set.ts) over every source available here
 *    (lib/checks/calibration/sources.ts): the shipped scikit-image photos, simulator renders
 *    (generated-looking) and real photographs from the Debian package mate-backgrounds (GPL-2+; read
 *    from /usr/share/backgrounds/mate/nature when installed, never copied into the repo). Borderline
 *    degradations carry the verdict a reviewer would want.
 * 2. A deterministic split by source (SHA-256 of the source name): about a third is held out.
 * 3. Calibration (lib/checks/calibration/calibrate.ts) reads only the calibration part and picks each
 *    failure threshold; the held-out part is then scored with those thresholds (precision / recall
 *    per classical check). For comparison the shipped defaults are scored on the held-out part and
 *    on the whole set (`min_precision` / `min_recall`, as before; those defaults were hand-tuned on
 *    the shipped photos, so on them it is an in-sample figure).
 * 4. The classic time ratio on a 1024×1024 PNG, the model checks' overhead (./models), and the
 *    model checks' accuracy on small labelled sets (./model-accuracy: OCR garble detection, NSFW
 *    false positives; sources and licences in bench/checks/README.md).
 *
 * "fail" is the positive (see bench/checks/classical.ts). The last line is machine-readable:
 *
 *   min_precision=… min_recall=… classic_ratio=… model_overhead_ratio=… holdout_min_precision=…
 *   holdout_min_recall=… ocr_garble_precision=… ocr_garble_recall=… nsfw_false_positive_rate=…
 *   nsfw_true_positive_rate=NA
 *
 * (minimums over sharpness, exposure, artefacts and duplicate; targets ≥ 0.95, ≥ 0.95, ≤ 1.5).
 *
 * Usage: tsx bench/checks/run.ts [--tier support|hero] [--runs 21] [--verbose] [--no-models]
 */
import { parseArgs } from "node:util";
import { calibrateThresholds } from "../../lib/checks/calibration/calibrate";
import { buildCalibrationSet } from "../../lib/checks/calibration/set";
import { allSources } from "../../lib/checks/calibration/sources";
import { evaluateClassicalChecks, measureClassicRatio, SCORED_CHECKS, type CheckMetrics } from "./classical";
import { measureModelAccuracy } from "./model-accuracy";

const { values: args } = parseArgs({
  options: {
    tier: { type: "string" },
    runs: { type: "string" },
    verbose: { type: "boolean" },
    "no-models": { type: "boolean" },
  },
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

function showErrors(metrics: CheckMetrics[]) {
  for (const m of metrics) {
    if (m.errors.length === 0) continue;
    const shown = args.verbose ? m.errors : m.errors.slice(0, 5);
    console.log(
      `  ${m.check} errors: ${shown.join("; ")}${shown.length < m.errors.length ? `; … ${m.errors.length - shown.length} more (--verbose)` : ""}`,
    );
  }
}

const scoredOf = (metrics: CheckMetrics[]) =>
  metrics.filter((m) => (SCORED_CHECKS as readonly string[]).includes(m.check));
const minOf = (metrics: CheckMetrics[], key: "precision" | "recall") =>
  Math.min(...scoredOf(metrics).map((m) => m[key]));

async function main() {
  const started = performance.now();
  const sources = allSources();
  const items = await buildCalibrationSet({ sources });
  const calibration = items.filter((i) => i.part === "calibration");
  const holdout = items.filter((i) => i.part === "holdout");
  const count = (list: typeof items, origin: string) =>
    new Set(list.filter((i) => i.origin === origin).map((i) => i.photo)).size;
  console.log(
    `Labelled set: ${items.length} images from ${sources.length} sources (` +
      ["skimage", "simulator", "mate"].map((o) => `${o} ${count(items, o)}`).join(", ") +
      `, + synthetic blanks); calibration part ${calibration.length} images, held-out part ${holdout.length} ` +
      `(held-out sources: ${[...new Set(holdout.map((i) => i.photo))].join(", ")})`,
  );
  if (count(items, "mate") === 0)
    console.log("  (no photographs from another source: apt-get install mate-backgrounds to add them)");

  const calibrated = await calibrateThresholds(calibration, tier);
  const overrides = Object.fromEntries(calibrated.filter((c) => Number.isFinite(c.value)).map((c) => [c.key, c.value]));
  console.log(`Thresholds calibrated on the calibration part only (tier ${tier} defaults for comparison):`);
  const { classicalChecks } = await import("../../lib/checks/classical/index");
  for (const c of calibrated) {
    const [check, name] = c.key.split(".") as [string, string];
    const shipped = classicalChecks.find((m) => m.id === check)?.defaults[tier]?.[name];
    console.log(
      `  ${c.key.padEnd(24)} ${String(Number(c.value.toFixed(4))).padStart(8)}  (shipped ${shipped}; on calibration: ${c.truePositives}/${c.positives} positives, ${c.falsePositives}/${c.negatives} negatives fail)`,
    );
  }

  const held = await evaluateClassicalChecks({ tier, items: holdout, thresholds: overrides });
  console.log(`Held-out part with the calibrated thresholds, tier ${tier}:`);
  table(held);
  showErrors(held);
  const heldShipped = await evaluateClassicalChecks({ tier, items: holdout });
  console.log(`Held-out part with the shipped defaults, tier ${tier}:`);
  table(heldShipped);
  showErrors(heldShipped);
  const metrics = await evaluateClassicalChecks({ tier, items });
  console.log(
    `Whole set with the shipped defaults, tier ${tier} (${((performance.now() - started) / 1000).toFixed(1)} s so far):`,
  );
  table(metrics);
  showErrors(metrics);

  const ratio = await measureClassicRatio({ runs: RUNS });
  console.log(
    `Classic time on a 1024×1024 PNG (median of ${ratio.runs}): floor ${ratio.floorMs.toFixed(1)} ms (sharp decode + resize), ` +
      `prepare + classical checks ${ratio.classicMs.toFixed(1)} ms, ratio ${ratio.ratio.toFixed(2)}`,
  );
  // Accuracy first: the overhead bench stops the model threads when it is done.
  const accuracy = args["no-models"] ? undefined : await measureModelAccuracy({ verbose: args.verbose ?? false });
  const model = args["no-models"] ? undefined : await modelOverhead();
  const f = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "NA" : x.toFixed(2));
  console.log(
    `min_precision=${f(minOf(metrics, "precision"))} min_recall=${f(minOf(metrics, "recall"))} classic_ratio=${ratio.ratio.toFixed(2)} model_overhead_ratio=${f(model)} ` +
      `ocr_garble_precision=${f(accuracy?.ocrPrecision)} ocr_garble_recall=${f(accuracy?.ocrRecall)} nsfw_false_positive_rate=${f(accuracy?.nsfwFalsePositiveRate)} nsfw_true_positive_rate=NA ` +
      `holdout_min_precision=${f(minOf(held, "precision"))} holdout_min_recall=${f(minOf(held, "recall"))}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
