import path from "node:path";
import type { Worker as Thread } from "node:worker_threads";
import sharp from "sharp";
import type Tesseract from "tesseract.js";
import type { PreparedImage } from "../types";
import { packageDir, requireFromRoot } from "./runtime";

/** A word Tesseract read, with its confidence (0–100). */
export type OcrWord = { text: string; confidence: number };

/** Long side the OCR reads at most (larger images are reduced first; text stays legible well below this). */
export const OCR_MAX_SIDE = 2048;

/** What recognize() is asked for: the block tree (words with confidences); nothing else is rendered. */
export const OCR_OUTPUT: Partial<Tesseract.OutputFormats> = { text: false, blocks: true };

type Ocr = { worker: Tesseract.Worker; thread: Thread; exited: Promise<never> };

let current: Promise<Ocr> | null = null;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Every file comes from node_modules: the worker script and tesseract.js-core (which the Node
 * worker requires directly), and the LSTM English traineddata of @tesseract.js-data/eng
 * (4.0.0_best_int, what tesseract.js would otherwise download). Nothing is cached to disk.
 */
async function startOcr(): Promise<Ocr> {
  const { createWorker, OEM, PSM } = requireFromRoot("tesseract.js") as typeof Tesseract;
  const worker = await createWorker("eng", OEM.LSTM_ONLY, {
    langPath: path.join(packageDir("@tesseract.js-data/eng"), "4.0.0_best_int"),
    workerPath: requireFromRoot.resolve("tesseract.js/src/worker-script/node/index.js"),
    corePath: packageDir("tesseract.js-core"),
    cacheMethod: "none",
    gzip: true,
    // Without a handler tesseract.js rethrows a failed job from its message listener (an uncaught exception).
    errorHandler: () => {},
  });
  // A fixed resolution keeps Tesseract from estimating one (and logging it) for every image.
  await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, user_defined_dpi: "300" });
  const thread = (worker as unknown as { worker: Thread }).worker;
  const exited = new Promise<never>((_, reject) =>
    thread.once("exit", (code) => reject(new Error(`The OCR worker thread stopped (exit code ${code}).`))),
  );
  exited.catch(() => {});
  thread.unref(); // an idle OCR thread does not keep the process alive; it is ref'd while it works
  return { worker, thread, exited };
}

/** The process's one Tesseract worker (its own thread), created on first use and reused; started again after a crash. */
function ocr(): Promise<Ocr> {
  if (!current) {
    const starting = startOcr();
    const forget = () => {
      if (current === starting) current = null;
    };
    starting.then(({ exited }) => exited.catch(forget), forget);
    current = starting;
  }
  return current;
}

/** A job still running after this is stuck: its thread is stopped (the next job starts a fresh one). */
export const OCR_JOB_TIMEOUT_MS = 90_000;

/** Runs `job` on the Tesseract worker, one job at a time (a job that fails does not block the next). */
export function withOcrWorker<T>(job: (worker: Tesseract.Worker) => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    const { worker, thread, exited } = await ocr();
    thread.ref();
    let timedOut = false;
    const stuck = setTimeout(() => {
      timedOut = true;
      void thread.terminate();
    }, OCR_JOB_TIMEOUT_MS);
    try {
      return await Promise.race([job(worker), exited]);
    } catch (error) {
      throw timedOut
        ? new Error(`OCR took longer than ${OCR_JOB_TIMEOUT_MS / 1000} s; its worker was stopped.`)
        : error;
    } finally {
      clearTimeout(stuck);
      thread.unref();
    }
  });
  queue = run.catch(() => {});
  return run;
}

/**
 * The image as Tesseract reads it: the prepared greyscale plane, as a binary PGM (Leptonica reads
 * it as is, with no second decode of the original bytes), reduced when its long side is over
 * OCR_MAX_SIDE.
 */
export async function ocrInput(image: PreparedImage): Promise<Buffer> {
  let { data, width, height } = image.gray;
  if (Math.max(width, height) > OCR_MAX_SIDE) {
    const scale = OCR_MAX_SIDE / Math.max(width, height);
    const out = await sharp(data, { raw: { width, height, channels: 1 } })
      .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { fit: "fill" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    ({ width, height } = out.info);
    data = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length);
  }
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, "ascii");
  return Buffer.concat([header, data]);
}

/** The words of a recognize() result, in reading order. */
export function wordsOf(page: Tesseract.Page): OcrWord[] {
  return (page.blocks ?? []).flatMap((b) =>
    b.paragraphs.flatMap((p) =>
      p.lines.flatMap((l) => l.words.map((w) => ({ text: w.text, confidence: w.confidence }))),
    ),
  );
}

/** Reads the words of an OCR input (see ocrInput) on the Tesseract worker thread. */
export async function recognizeWords(input: Buffer): Promise<OcrWord[]> {
  const result = await withOcrWorker((worker) => worker.recognize(input, {}, OCR_OUTPUT));
  return wordsOf(result.data);
}

/** Stops the Tesseract worker (tests, benches and graceful shutdown); a later check starts a new one. */
export async function closeOcr(): Promise<void> {
  const pending = current;
  current = null;
  const state = await pending?.catch(() => null);
  if (!state) return;
  await state.worker.terminate();
  await state.exited.catch(() => {});
}
