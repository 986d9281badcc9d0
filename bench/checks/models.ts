/**
 * bench:checks (model part) — what the model checks add on top of the models themselves.
 *
 * On one 1024×1024 PNG (a photograph with a text banner, so the OCR has words to read), after a
 * warm-up (the one-time model loads are excluded), one model after the other, alternating ROUNDS times
 * (more for the fast NSFW check, whose medians a busy machine moves most):
 *
 *   check  the whole check from PreparedImage to CheckOutcome, timed on the calling thread:
 *          NSFW = 224² model input from the decoded pixels (sharp resize), round trip to the piscina
 *          worker, tensor, inference, verdict;
 *          OCR  = PGM from the prepared greyscale plane, Tesseract job, word judging
 *   plain  the floor: the same model doing the same job for a plain script, none of Kiln's code in
 *          the path. From the same decoded pixels the check starts from, the script makes the
 *          model's input itself and calls the model on its own thread:
 *          NSFW = sharp resize to 224² RGB, a float tensor (channels first, ÷ 255), an
 *                 onnxruntime-node session of its own (same model bytes, same session options);
 *          OCR  = a PGM header on the greyscale plane, recognize() on a Tesseract worker.
 *          Any caller of these models on this image must do at least this: the classifier only
 *          reads 224² RGB and Tesseract only reads an image file, so no pipeline can judge the
 *          image faster with the same model on this machine.
 *   bare   the model call alone on the very input the check builds, in the thread the check runs it
 *          in (NSFW: model.infer + read-back, timed inside the worker; OCR: worker.recognize on
 *          the same PGM buffer). Not a floor: it leaves out the input, which every caller needs.
 *
 *   overhead = median(check) ÷ median(plain), per model; the result is the larger (target ≤ 1.2).
 *   Also printed: median(check) ÷ median(bare). With a model this fast (NSFW ~5 ms) the 224² resize
 *   alone is most of that ratio (docs/decisions/0032), so it says how fast the model is, not what
 *   Kiln adds.
 *
 * Usage: tsx bench/checks/models.ts
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";

/** Timed rounds per model: check, plain script and bare alternate in each. */
const ROUNDS = { nsfw: 30, ocr: 10 };
const WARMUP = 2;

export type ModelOverhead = {
  model: "nsfw" | "ocr";
  checkMs: number;
  plainMs: number;
  bareMs: number;
  /** check ÷ plain: what Kiln adds (the target). */
  ratio: number;
  /** check ÷ bare. */
  inferenceRatio: number;
};

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

type Prepared = Awaited<ReturnType<typeof import("../../lib/checks/prepare").prepareImage>>;
type OcrWorker = { recognize(image: Buffer, options: object, output: object): Promise<unknown> };

/**
 * The floor (see the header): what a plain script does to get each model's answer for a decoded
 * image, written here with sharp, onnxruntime-node and Tesseract directly. Only the model bytes (NSFWJS's
 * network, converted to ONNX when loaded), the session options (one thread, as the check's) and the
 * Tesseract worker come from Kiln.
 */
async function plainScript(ocrOutput: object) {
  const ort = await import("onnxruntime-node");
  // @ts-expect-error plain JS worker module, no types
  const { nsfwMobileNetV2Onnx, SESSION_OPTIONS } = (await import("../../lib/checks/models/workers/nsfw.mjs")) as {
    nsfwMobileNetV2Onnx(): Uint8Array;
    SESSION_OPTIONS: import("onnxruntime-node").InferenceSession.SessionOptions;
  };
  const session = await ort.InferenceSession.create(nsfwMobileNetV2Onnx(), SESSION_OPTIONS);
  const SIZE = 224;
  return {
    async nsfw(image: Prepared): Promise<unknown> {
      if (!image.rgb) throw new Error("The bench image has no decoded colour copy to start from.");
      const { data, width, height } = image.rgb;
      const pixels = await sharp(data, { raw: { width, height, channels: 3 } })
        .resize(SIZE, SIZE, { fit: "fill" })
        .raw()
        .toBuffer();
      const plane = SIZE * SIZE;
      const chw = new Float32Array(plane * 3);
      for (let i = 0, p = 0; i < plane; i++, p += 3) {
        chw[i] = pixels[p]! / 255;
        chw[plane + i] = pixels[p + 1]! / 255;
        chw[2 * plane + i] = pixels[p + 2]! / 255;
      }
      const { output } = await session.run({ input: new ort.Tensor("float32", chw, [1, 3, SIZE, SIZE]) });
      return output!.data;
    },
    ocr(worker: OcrWorker, image: Prepared): Promise<unknown> {
      const { data, width, height } = image.gray;
      const pgm = Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, "ascii"), data]);
      return worker.recognize(pgm, {}, ocrOutput);
    },
  };
}

/** Per-model medians and ratios (see the header). Stops the model threads when done. */
export async function measureModelOverheadDetails(): Promise<ModelOverhead[]> {
  const { prepareImage } = await import("../../lib/checks/prepare");
  const { nsfwCheck, nsfwInput } = await import("../../lib/checks/models/nsfw");
  const { textCheck } = await import("../../lib/checks/models/text");
  const { ocrInput, withOcrWorker, OCR_OUTPUT } = await import("../../lib/checks/models/ocr");
  const { modelPool } = await import("../../lib/checks/models/pool");
  const { shutdownModelChecks } = await import("../../lib/checks/models");
  const plain = await plainScript(OCR_OUTPUT);

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
      nsfwPlain: [] as number[],
      nsfwBare: [] as number[],
      ocrCheck: [] as number[],
      ocrPlain: [] as number[],
      ocrBare: [] as number[],
    };
    // Each timed check gets a freshly prepared image (prepared untimed), so nothing derived from it can be reused.
    const fresh = () => prepareImage(bytes);
    for (let i = 0; i < WARMUP + ROUNDS.nsfw; i++) {
      const input = await fresh();
      const check = await timed(() => nsfwCheck.run(input, context));
      const floor = await fresh();
      const byScript = await timed(() => plain.nsfw(floor));
      const bare = await bareNsfw();
      if (i < WARMUP) continue;
      t.nsfwCheck.push(check);
      t.nsfwPlain.push(byScript);
      t.nsfwBare.push(bare);
    }
    for (let i = 0; i < WARMUP + ROUNDS.ocr; i++) {
      const input = await fresh();
      const check = await timed(() => textCheck.run(input, context));
      const floor = await fresh();
      const byScript = await withOcrWorker((worker) => timed(() => plain.ocr(worker, floor)));
      const bare = await bareOcr();
      if (i < WARMUP) continue;
      t.ocrCheck.push(check);
      t.ocrPlain.push(byScript);
      t.ocrBare.push(bare);
    }
    const row = (model: ModelOverhead["model"], check: number[], byScript: number[], bare: number[]): ModelOverhead => {
      const checkMs = median(check);
      const plainMs = median(byScript);
      const bareMs = median(bare);
      return { model, checkMs, plainMs, bareMs, ratio: checkMs / plainMs, inferenceRatio: checkMs / bareMs };
    };
    return [row("nsfw", t.nsfwCheck, t.nsfwPlain, t.nsfwBare), row("ocr", t.ocrCheck, t.ocrPlain, t.ocrBare)];
  } finally {
    await shutdownModelChecks();
  }
}

/** The larger of the two overhead ratios (full check ÷ the plain script, medians); target ≤ 1.2. */
export async function measureModelOverhead(): Promise<number> {
  const rows = await measureModelOverheadDetails();
  return Math.max(...rows.map((r) => r.ratio));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const rows = await measureModelOverheadDetails();
  for (const r of rows)
    console.log(
      `${r.model.padEnd(5)} check ${r.checkMs.toFixed(1)} ms  plain script ${r.plainMs.toFixed(1)} ms  overhead ×${r.ratio.toFixed(3)}  ` +
        `(model call alone ${r.bareMs.toFixed(1)} ms: ×${r.inferenceRatio.toFixed(3)})`,
    );
  const worst = Math.max(...rows.map((r) => r.ratio));
  console.log(`model overhead ×${worst.toFixed(3)} (target ≤ 1.2) ${worst <= 1.2 ? "OK" : "OVER"}`);
}
