import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareImage } from "../prepare";
import type { PreparedImage } from "../types";
import { shutdownModelChecks } from ".";
import { ocrInput, recognizeWords, withOcrWorker, type OcrWord } from "./ocr";
import { contextFor, fixturePhotos } from "./testing";
import { judgeUnwantedText, judgeWantedText, looksLikeWord, textCheck } from "./text";

afterAll(() => shutdownModelChecks());

const hero = textCheck.defaults.hero!;
const words = (...pairs: [string, number][]): OcrWord[] => pairs.map(([text, confidence]) => ({ text, confidence }));

describe("text verdicts", () => {
  it("tells words from letter soup", () => {
    for (const w of [
      "SUMMER",
      "Sale",
      "off",
      "50%",
      "$20",
      "4K",
      "don't",
      "rock-n-roll",
      "“Hello,”",
      "strengths",
      "a",
      "I",
    ])
      expect(looksLikeWord(w), w).toBe(true);
    for (const w of ["XQZJ", "KWRTP", "sUMmer", "Aaab", "5a0k", "BV|NM"]) expect(looksLikeWord(w), w).toBe(false);
  });

  it("unwanted text: the most confident word of three or more letters decides", () => {
    expect(judgeUnwantedText(words(["SALE", 95], ["OF", 99]), hero)).toMatchObject({
      verdict: "fail",
      score: 95,
      reasonCode: "unwanted_text",
      threshold: 80,
    });
    expect(judgeUnwantedText(words(["SALE", 70]), hero)).toMatchObject({
      verdict: "warn",
      score: 70,
      reasonCode: "unwanted_text",
      threshold: 65,
    });
    // Short marks and low-confidence noise are not text.
    const noise = judgeUnwantedText(words(["OF", 99], ["7", 96], ["ode", 37]), hero);
    expect(noise).toMatchObject({ verdict: "pass", score: 37 });
    expect(noise.reasonCode).toBeUndefined();
    expect(judgeUnwantedText([], hero)).toMatchObject({
      verdict: "pass",
      score: 0,
      detail: "No text found; the prompt asks for none.",
    });
  });

  it("wanted text: legibility is length-weighted confidence, letter soup counting 0", () => {
    expect(judgeWantedText(words(["SUMMER", 95], ["SALE", 96], ["50%", 96]), hero)).toMatchObject({
      verdict: "pass",
      score: 96,
    });
    expect(judgeWantedText(words(["XQZJ", 90], ["KWRTP", 91], ["BVNMXL", 87]), hero)).toMatchObject({
      verdict: "fail",
      score: 0,
      reasonCode: "garbled_text",
    });
    expect(judgeWantedText(words(["SUMMER", 60], ["SALE", 62]), hero)).toMatchObject({
      verdict: "warn",
      reasonCode: "garbled_text",
    });
    // Nothing readable: a person decides (the OCR cannot read every typeface).
    expect(judgeWantedText(words(["|", 40]), hero)).toMatchObject({
      verdict: "warn",
      score: 0,
      reasonCode: "garbled_text",
    });
  });

  it("runs on support and hero, not on drafts", () => {
    expect(Object.keys(textCheck.defaults).sort()).toEqual(["hero", "support"]);
    expect(textCheck).toMatchObject({ id: "text", group: "quality" });
  });
});

/** A 1024² image: a photo (or a flat colour) with `text` on a banner across it, optionally blurred. */
async function render(
  text: string | null,
  { photo, size = 64, blur }: { photo?: Buffer; size?: number; blur?: number } = {},
): Promise<PreparedImage> {
  const base = photo
    ? sharp(photo).resize(1024, 1024, { fit: "cover" })
    : sharp({ create: { width: 1024, height: 1024, channels: 3, background: "#2d6a4f" } });
  const banner = text
    ? `<rect x="0" y="440" width="1024" height="150" fill="#1b1b1b"/><text x="512" y="540" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="${size}" fill="#ffffff">${text}</text>`
    : "";
  let bytes = await base
    .composite([
      { input: Buffer.from(`<svg width="1024" height="1024" xmlns="http://www.w3.org/2000/svg">${banner}</svg>`) },
    ])
    .png()
    .toBuffer();
  if (blur) bytes = await sharp(bytes).blur(blur).png().toBuffer();
  return prepareImage(bytes);
}

describe("text check (Tesseract, worker thread)", { timeout: 60_000 }, () => {
  let photo: Buffer;
  beforeAll(async () => {
    photo =
      (await fixturePhotos()).find((p) => p.name.startsWith("coffee"))?.bytes ?? (await fixturePhotos())[0]!.bytes;
  });

  it("fails a sale banner the prompt did not ask for", async () => {
    const image = await render("SUMMER SALE 50% OFF", { photo });
    for (const tier of ["support", "hero"] as const) {
      const outcome = await textCheck.run(image, contextFor(tier));
      expect(outcome, tier).toMatchObject({ verdict: "fail", reasonCode: "unwanted_text" });
      expect(outcome.score).toBeGreaterThanOrEqual(90);
      expect(outcome.detail).toMatch(/SUMMER|SALE/);
    }
  });

  it("passes photographs without text", async () => {
    for (const p of await fixturePhotos()) {
      const outcome = await textCheck.run(await prepareImage(p.bytes), contextFor("hero"));
      expect(outcome, `${p.name}: ${outcome.detail}`).toMatchObject({ verdict: "pass" });
    }
  });

  it("passes clear text the prompt asked for", async () => {
    const outcome = await textCheck.run(
      await render("SUMMER SALE 50% OFF"),
      contextFor("hero", { promptWantsText: true }),
    );
    expect(outcome).toMatchObject({ verdict: "pass" });
    expect(outcome.score).toBeGreaterThanOrEqual(85);
  });

  it("fails asked-for text that is letter soup", async () => {
    const outcome = await textCheck.run(
      await render("XQZJ KWRTP BVNMXL", { size: 70 }),
      contextFor("hero", { promptWantsText: true }),
    );
    expect(outcome).toMatchObject({ verdict: "fail", reasonCode: "garbled_text" });
  });

  it("does not pass asked-for text blurred past reading", async () => {
    const outcome = await textCheck.run(
      await render("SUMMER SALE 50% OFF", { blur: 9 }),
      contextFor("hero", { promptWantsText: true }),
    );
    expect(outcome.verdict).not.toBe("pass");
    expect(outcome.reasonCode).toBe("garbled_text");
  });

  it("reads the prepared greyscale plane directly (a PGM, no second decode)", async () => {
    const image = await render("OPEN LATE", { size: 90 });
    const input = await ocrInput(image);
    const header = "P5\n1024 1024\n255\n";
    expect(input.subarray(0, header.length).toString("latin1")).toBe(header);
    expect(input.length).toBe(header.length + 1024 * 1024);
    const read = await recognizeWords(input);
    expect(read.map((w) => w.text)).toEqual(["OPEN", "LATE"]);
  });

  it("reads concurrent calls one at a time on its one worker", async () => {
    const image = await render("OPEN LATE", { size: 90 });
    const outcomes = await Promise.all([1, 2, 3].map(() => textCheck.run(image, contextFor("hero"))));
    expect(new Set(outcomes.map((o) => o.score)).size).toBe(1);
    expect(outcomes[0]).toMatchObject({ verdict: "fail", reasonCode: "unwanted_text" });
  });

  it("starts a new Tesseract worker after its thread dies mid-job", async () => {
    const input = await ocrInput(await render("OPEN LATE", { size: 90 }));
    const crash = withOcrWorker(async (worker) => {
      const job = worker.recognize(input);
      await (worker as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      return job;
    });
    await expect(crash).rejects.toThrow(/OCR worker thread stopped/);
    expect((await recognizeWords(input)).map((w) => w.text)).toEqual(["OPEN", "LATE"]);
  });
});
