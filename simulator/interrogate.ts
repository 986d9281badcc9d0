import sharp from "sharp";
import { z } from "zod";
import { hashInts } from "./hash";

/**
 * POST /sdapi/v1/interrogate, offline: A1111 runs BLIP + CLIP ("clip") or DeepDanbooru on the image;
 * the simulator looks at the pixels instead. It finds the sky and the ground (the renderer's scene),
 * the objects standing out from them, where they are, their colours and the light, and says so in
 * BLIP's words — including BLIP's habits ("arafed", CLIP's trailing tags), so the cleaning that
 * turns a caption into alt text runs on the kind of text real engines send. Same image, same caption.
 */
export const interrogateSchema = z.object({
  image: z.string().default(""),
  model: z.string().default("clip"),
});

export const INTERROGATE_MODELS = ["clip", "deepdanbooru"] as const;

export class UnknownInterrogatorError extends Error {}
export class MissingImageError extends Error {}
export class BadInterrogateImageError extends Error {}

type Rgb = [number, number, number];

/** A colour's everyday name: lightness and saturation first (black, grey, pale…), then the hue. */
export function colourName([r, g, b]: Rgb): string {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const l = (max + min) / 2;
  const d = max - min;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  if (l < 0.1) return "black";
  if (l > 0.92) return "white";
  if (s < 0.14) return l < 0.35 ? "dark grey" : l > 0.7 ? "light grey" : "grey";
  let h = 0;
  const [R, G, B] = [r / 255, g / 255, b / 255];
  if (max === R) h = ((G - B) / d) % 6;
  else if (max === G) h = (B - R) / d + 2;
  else h = (R - G) / d + 4;
  h = (h * 60 + 360) % 360;
  const hue =
    h < 15 || h >= 345
      ? "red"
      : h < 40
        ? l < 0.35
          ? "brown"
          : "orange"
        : h < 65
          ? l < 0.3
            ? "olive"
            : "yellow"
          : h < 160
            ? "green"
            : h < 195
              ? "teal"
              : h < 250
                ? "blue"
                : h < 290
                  ? "purple"
                  : "pink";
  const shade = l < 0.28 ? "dark " : l > 0.72 ? "pale " : s > 0.65 && l > 0.4 && l < 0.6 ? "bright " : "";
  return `${shade}${hue}`;
}

const mean = (px: Rgb[]): Rgb => {
  const n = Math.max(1, px.length);
  const sum = px.reduce<Rgb>((a, p) => [a[0] + p[0], a[1] + p[1], a[2] + p[2]], [0, 0, 0]);
  return [sum[0] / n, sum[1] / n, sum[2] / n];
};
const dist = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const luma = (p: Rgb) => 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");

export type SceneReading = {
  orientation: "square" | "wide" | "tall";
  sky: string;
  ground: string;
  /** Colours of what stands out from sky and ground, most area first (at most two). */
  objectColours: string[];
  objectCount: number;
  /** Where the objects' centre of mass is. */
  position: "on the left" | "in the centre" | "on the right";
  light: "bright" | "dim" | "dark" | "soft";
  blurry: boolean;
  /** A stable number from the pixels, for BLIP's wording habits. */
  fingerprint: number;
};

const N = 64;

/** Reads the scene from a 64×64 view of the image. */
export async function readScene(image: Buffer): Promise<SceneReading> {
  const meta = await sharp(image).metadata();
  const { data } = await sharp(image)
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .resize(N, N, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const px = (x: number, y: number): Rgb => {
    const i = (y * N + x) * 3;
    return [data[i]!, data[i + 1]!, data[i + 2]!];
  };
  const rows = (from: number, to: number) => {
    const out: Rgb[] = [];
    for (let y = from; y < to; y++) for (let x = 0; x < N; x++) out.push(px(x, y));
    return out;
  };
  const skyMean = mean(rows(0, Math.round(N * 0.2)));
  const groundMean = mean(rows(Math.round(N * 0.85), N));

  // The background of each row is its median colour (a sky gradient or a shaded field changes row by
  // row). Objects: pixels of the middle band far from the background of their row and of the rows a
  // little above and below (so the horizon itself is not an object), flood-filled into blobs.
  const rowMedian: Rgb[] = [];
  for (let y = 0; y < N; y++) {
    const row = Array.from({ length: N }, (_, x) => px(x, y));
    const med = (ch: 0 | 1 | 2) => row.map((p) => p[ch]).sort((a, b) => a - b)[N >> 1]!;
    rowMedian.push([med(0), med(1), med(2)]);
  }
  const near = (y: number) => [
    rowMedian[Math.max(0, y - 6)]!,
    rowMedian[y]!,
    rowMedian[Math.min(N - 1, y + 6)]!,
    skyMean,
    groundMean,
  ];
  const mask = new Uint8Array(N * N);
  for (let y = Math.round(N * 0.15); y < Math.round(N * 0.95); y++) {
    const backgrounds = near(y);
    for (let x = 0; x < N; x++) {
      const p = px(x, y);
      if (Math.min(...backgrounds.map((b) => dist(p, b))) > 48) mask[y * N + x] = 1;
    }
  }
  const blobs: { size: number; colour: Rgb; cx: number }[] = [];
  const seen = new Uint8Array(N * N);
  for (let start = 0; start < N * N; start++) {
    if (!mask[start] || seen[start]) continue;
    const stack = [start];
    seen[start] = 1;
    const members: Rgb[] = [];
    let sx = 0;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % N;
      const y = (i - x) / N;
      members.push(px(x, y));
      sx += x;
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ] as const) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= N || ny >= N) continue;
        const j = ny * N + nx;
        if (mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    // Specks are texture or grain, not objects.
    if (members.length >= 12) blobs.push({ size: members.length, colour: mean(members), cx: sx / members.length });
  }
  blobs.sort((a, b) => b.size - a.size);
  const objectColours = [...new Set(blobs.map((b) => colourName(b.colour)))].slice(0, 2);
  const total = blobs.reduce((n, b) => n + b.size, 0);
  const cx = total ? blobs.reduce((n, b) => n + b.cx * b.size, 0) / total / N : 0.5;

  // Light and focus: mean brightness, and the energy of neighbour differences (a blurred image has little).
  let sum = 0;
  let edges = 0;
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const v = luma(px(x, y));
      sum += v;
      if (x + 1 < N) edges += Math.abs(v - luma(px(x + 1, y)));
      if (y + 1 < N) edges += Math.abs(v - luma(px(x, y + 1)));
    }
  }
  const brightness = sum / (N * N);
  const edgeEnergy = edges / (2 * N * (N - 1));
  const spread = Math.abs(luma(skyMean) - luma(groundMean));
  const w = meta.width ?? 1;
  const h = meta.height ?? 1;
  return {
    orientation: w > h * 1.15 ? "wide" : h > w * 1.15 ? "tall" : "square",
    sky: colourName(skyMean),
    ground: colourName(groundMean),
    objectColours,
    objectCount: blobs.length,
    position: cx < 0.4 ? "on the left" : cx > 0.6 ? "on the right" : "in the centre",
    light:
      brightness > 170
        ? "bright"
        : brightness < 55
          ? "dark"
          : spread < 25
            ? "soft"
            : brightness < 95
              ? "dim"
              : "bright",
    blurry: edgeEnergy < 2.2,
    fingerprint: hashInts(
      Math.round(brightness),
      Math.round(edgeEnergy * 10),
      blobs.length,
      Math.round(skyMean[0]),
      Math.round(groundMean[2]),
    ),
  };
}

const COUNT_WORDS = ["no", "one", "two", "three", "four", "five"];

/** BLIP's sentence for the scene, then (model "clip") CLIP's tags; or (model "deepdanbooru") tags only. */
export function describeScene(s: SceneReading, model: string): string {
  if (model === "deepdanbooru") {
    const tags = [
      "no_humans",
      "outdoors",
      "scenery",
      `${s.sky.replace(/ /g, "_")}_sky`,
      `${s.ground.replace(/ /g, "_")}_ground`,
    ];
    if (s.objectCount)
      tags.push(
        s.objectCount > 1 ? "multiple_objects" : "still_life",
        ...s.objectColours.map((c) => `${c.replace(/ /g, "_")}_theme`),
      );
    if (s.blurry) tags.push("blurry");
    return tags.join(", ");
  }
  let subject: string;
  if (s.objectCount === 0) subject = `${article(s.sky)} ${s.sky} sky over ${s.ground} ground`;
  else {
    const colours = s.objectColours.join(" and ");
    const count =
      s.objectCount === 1
        ? `${article(colours)} ${colours} object`
        : `${COUNT_WORDS[s.objectCount] ?? "several"} ${colours} objects`;
    subject = `${count} ${s.position} on ${s.ground} ground under ${article(s.sky)} ${s.sky} sky`;
  }
  // BLIP opens some captions with "arafed" or "there is"; which ones depends on the picture, not on chance.
  const openings = ["", "arafed ", "there is ", "a picture of "];
  const opening = openings[s.fingerprint % openings.length]!;
  const light = s.light === "soft" ? "in soft, even light" : `in ${s.light} light`;
  const caption = `${opening}${opening === "arafed " ? subject.replace(/^an? /, "") : subject}, ${light}${s.blurry ? ", blurry" : ""}`;
  const flavours = ["trending on artstation", "by kiln-simulator", "4k", "digital art", "highly detailed"];
  const picked = [flavours[s.fingerprint % 3]!, flavours[3 + (s.fingerprint % 2)]!];
  return `${caption}, ${picked.join(", ")}`;
}

export async function interrogate(body: z.infer<typeof interrogateSchema>): Promise<string> {
  if (!(INTERROGATE_MODELS as readonly string[]).includes(body.model))
    throw new UnknownInterrogatorError("Model not found");
  const b64 = body.image.startsWith("data:") ? (body.image.split(",")[1] ?? "") : body.image;
  if (!b64) throw new MissingImageError("Image not found");
  const scene = await readScene(Buffer.from(b64, "base64")).catch((error: unknown) => {
    throw new BadInterrogateImageError("Invalid encoded image", { cause: error });
  });
  return describeScene(scene, body.model);
}
