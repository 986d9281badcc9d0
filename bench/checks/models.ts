/**
 * bench:checks (model part) — what the model checks add on top of the models themselves.
 *
 * On one 1024×1024 PNG (a photograph with a text banner, so the OCR has words to read), after a
 * warm-up (the one-time model loads are excluded), one model after the other, alternating ROUNDS times:
 *
 *   check  the whole check from PreparedImage to CheckOutcome, timed on the calling thread:
 *          NSFW = sharp decode + resize, round trip to the piscina worker, tensor, inference, verdict;
 *          OCR  = PGM from the prepared greyscale plane, Tesseract job, word judging
 *   bare   the model alone on the very input the check builds, in the thread the check runs it in:
 *          NSFW = model.infer + read-back on the same 224×224 tensor, timed inside the worker;
 *          OCR  = worker.recognize on the same PGM buffer, with the same output options
 *
 *   overhead = median(check) ÷ median(bare), per model; the result is the larger (target ≤ 1.2).
 *
 * Usage: tsx bench/checks/models.ts
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";

const ROUNDS = 10;
const WARMUP = 2;

export type ModelOverhead = { model: "nsfw" | "ocr"; checkMs: number; bareMs: number; ratio: number };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timed(f: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await f();
  return performance.now() - started;
}

/** A generated-looking 1024² RGB PNG: a real photograph scaled up, with a headline banner across it. */
async function benchImage(): Promise<Buffer> {
  const photo = await readFile(path.join(process.cwd(), "test/fixtures/photos/astronaut.jpg"));
  const banner = `<svg width="1024" height="1024" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="820" width="1024" height="140" fill="#1b1b1b"/><text x="512" y="912" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="60" fill="#fff">SUMMER SALE 50% OFF</text></svg>`;
  return sharp(photo)
    .resize(1024, 1024, { fit: "cover" })
    .composite([{ input: Buffer.from(banner) }])
    .removeAlpha() // as a generator returns it: RGB, no alpha channel
    .png()
    .toBuffer();
}

/** Per-model medians and ratios (see the header). Stops the model threads when done. */
export async function measureModelOverheadDetails(): Promise<ModelOverhead[]> {
  const { prepareImage } = await import("../../lib/checks/prepare");
  const { nsfwCheck, nsfwInput } = await import("../../lib/checks/models/nsfw");
  const { textCheck } = await import("../../lib/checks/models/text");
  const { ocrInput, withOcrWorker, OCR_OUTPUT } = await import("../../lib/checks/models/ocr");
  const { modelPool } = await import("../../lib/checks/models/pool");
  const { shutdownModelChecks } = await import("../../lib/checks/models");

  const bytes = await benchImage();
  const image = await prepareImage(bytes);
  const context = {
    tier: "hero" as const,
    expected: { width: 1024, height: 1024 },
    promptWantsText: false,
    prompt: "",
    batchHashes: [],
    referenceHashes: [],
    thresholds: {},
  };
  try {
    // The inputs the checks build, built the same way, for the bare runs.
    const pixels = await nsfwInput(image);
    const pgm = await ocrInput(image);
    const bareNsfw = async () =>
      ((await modelPool("nsfw").run({ op: "bench", pixels, runs: 1 })) as { inferMs: number[] }).inferMs[0]!;
    const bareOcr = () =>
      withOcrWorker(async (worker) => {
        const started = performance.now();
        await worker.recognize(pgm, {}, OCR_OUTPUT);
        return performance.now() - started;
      });

    // One model at a time (the other's thread idle), check and bare alternating so drift hits both alike.
    const t = {
      nsfwCheck: [] as number[],
      nsfwBare: [] as number[],
      ocrCheck: [] as number[],
      ocrBare: [] as number[],
    };
    // Each timed check gets a freshly prepared image (prepared untimed), so nothing derived from it can be reused.
    const fresh = () => prepareImage(bytes);
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const input = await fresh();
      const check = await timed(() => nsfwCheck.run(input, context));
      const bare = await bareNsfw();
      if (i < WARMUP) continue;
      t.nsfwCheck.push(check);
      t.nsfwBare.push(bare);
    }
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const input = await fresh();
      const check = await timed(() => textCheck.run(input, context));
      const bare = await bareOcr();
      if (i < WARMUP) continue;
      t.ocrCheck.push(check);
      t.ocrBare.push(bare);
    }
    const row = (model: ModelOverhead["model"], check: number[], bare: number[]): ModelOverhead => {
      const checkMs = median(check);
      const bareMs = median(bare);
      return { model, checkMs, bareMs, ratio: checkMs / bareMs };
    };
    return [row("nsfw", t.nsfwCheck, t.nsfwBare), row("ocr", t.ocrCheck, t.ocrBare)];
  } finally {
    await shutdownModelChecks();
  }
}

/** The larger of the two overhead ratios (full check ÷ bare inference, medians); target ≤ 1.2. */
export async function measureModelOverhead(): Promise<number> {
  const rows = await measureModelOverheadDetails();
  return Math.max(...rows.map((r) => r.ratio));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const rows = await measureModelOverheadDetails();
  for (const r of rows)
    console.log(
      `${r.model.padEnd(5)} check ${r.checkMs.toFixed(1)} ms  bare ${r.bareMs.toFixed(1)} ms  overhead ×${r.ratio.toFixed(3)}`,
    );
  const worst = Math.max(...rows.map((r) => r.ratio));
  console.log(`model overhead ×${worst.toFixed(3)} (target ≤ 1.2) ${worst <= 1.2 ? "OK" : "OVER"}`);
}
