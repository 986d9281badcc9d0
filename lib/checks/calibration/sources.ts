import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { loadPhoto, PHOTOS } from "./photos";

/**
 * A source image the calibration set degrades. Three origins:
 *   skimage     the shipped photographs (test/fixtures/photos, scikit-image sample data, see its README);
 *   simulator   Kiln's simulator renderer (simulator/render.ts): generated-looking pictures, made on the fly;
 *   mate        real photographs from another source: the "nature" set of the Debian package
 *               mate-backgrounds (GPL-2+, authors in /usr/share/doc/mate-backgrounds/copyright), read
 *               from /usr/share/backgrounds/mate/nature when the package is installed
 *               (`apt-get install mate-backgrounds`); not copied into this repository.
 * Every source is brought to ≤ 640 px on its long side, JPEG quality 90, like the shipped photos.
 */
export type Source = {
  name: string;
  origin: "skimage" | "simulator" | "mate";
  /** The picture is itself out of focus (a real motion blur or a shallow-focus macro without a sharp subject). */
  blurred?: boolean;
  /** A night / low-key scene: brightened copies are a plausible daylight shot, not an over-exposure. */
  lowKey?: boolean;
  load(): Promise<Buffer>;
};

export const MATE_NATURE_DIR = "/usr/share/backgrounds/mate/nature";
const MATE_NATURE = [
  "Aqua",
  "Blinds",
  "Dune",
  "FreshFlower",
  "Garden",
  "GreenMeadow",
  "LadyBird",
  "RainDrops",
  "Storm",
  "TwoWings",
  "Wood",
  "YellowFlower",
];

/** Simulator prompts: the palette follows the prompt, the layout the seed. */
const SIMULATOR = [
  { prompt: "studio product photo of a ceramic mug", seed: 11 },
  { prompt: "a mountain lake at sunrise, photograph", seed: 23 },
  { prompt: "summer sale banner, beach scene", seed: 37 },
  { prompt: "running shoe on a city street", seed: 41 },
  { prompt: "cosy living room interior, warm light", seed: 53 },
  { prompt: "fresh vegetables on a wooden table", seed: 67 },
];

async function normalise(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes)
    .resize(640, 640, { fit: "inside", withoutEnlargement: true })
    .removeAlpha()
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The shipped photos only (the original 234-image set). */
export function shippedSources(): Source[] {
  return PHOTOS.map((p) => ({
    name: p.name,
    origin: "skimage",
    ...(p.blurred ? { blurred: true } : {}),
    ...(p.lowKey ? { lowKey: true } : {}),
    load: () => loadPhoto(p.name),
  }));
}

/** Every source available here: shipped photos, simulator renders, and the MATE photographs when installed. */
export function allSources(): Source[] {
  const simulator: Source[] = SIMULATOR.map((s, i) => ({
    name: `sim-${i + 1}`,
    origin: "simulator",
    load: async () => {
      const { renderPng } = await import("../../../simulator/render");
      return normalise(await renderPng({ prompt: s.prompt, seed: s.seed, width: 640, height: 480 }));
    },
  }));
  const mate: Source[] = existsSync(MATE_NATURE_DIR)
    ? MATE_NATURE.filter((n) => existsSync(path.join(MATE_NATURE_DIR, `${n}.jpg`))).map((n) => ({
        name: `mate-${n}`,
        origin: "mate",
        load: async () => normalise(await readFile(path.join(MATE_NATURE_DIR, `${n}.jpg`))),
      }))
    : [];
  return [...shippedSources(), ...simulator, ...mate];
}

export type Part = "calibration" | "holdout";

/**
 * The deterministic split, by source (every degraded copy of a picture stays with it, so the held-out
 * part holds pictures the calibration never saw in any form): SHA-256 of the source name, first byte
 * mod 3 = 0 → held out (about a third).
 */
export function partOf(sourceName: string): Part {
  return createHash("sha256").update(sourceName).digest()[0]! % 3 === 0 ? "holdout" : "calibration";
}
