/**
 * bench:checks:catalogue — false rejects of the classical checks on one catalogue batch: N distinct
 * products made from one template (same studio scene, same composition; the product's shape, colour
 * and label change), each with its generated image, a 2× upscale and a background removal (a
 * cut-out with a transparent background). Every image is acceptable, so every "fail" is a false
 * reject. Each check runs twice on the same decoded pixels:
 *
 *   before   the context Kiln built before issue 19 item 2: expected size = the preset's for every
 *            version, transparent pixels flattened onto white and judged, and every earlier image of
 *            the batch as near-duplicate candidates;
 *   after    lib/checks as it is: expected size from the edit (intendedSize), the opaque pixels only,
 *            near-duplicate candidates from the product's own row lineage.
 *
 * Two image sources: "studio" (drawn with sharp/SVG: a white sweep, a centred product, a shadow and
 * sensor-like grain — what a product-photo template gives) and "simulator" (the Kiln simulator's
 * renderer, simulator/render.ts, one prompt template with the product name, seed fixed per batch).
 * A control keeps recall honest: for 4 products the row's second variant is a near-copy of its
 * first (the model returned the same picture twice); the duplicate check must still fail those.
 *
 * "rejects" counts fail verdicts (auto-rejected), "flagged" fail or warn (a reason code shown to people).
 *
 * Usage: tsx bench/checks/catalogue.ts [--products 48] [--tier hero|support] [--verbose]
 * Last line: catalogue_products=48 … before_false_rejects=… after_false_rejects=… before_flagged=… after_flagged=… dup_control_recall=…
 */
import { parseArgs } from "node:util";
import sharp from "sharp";
import { classicalChecks, imageHash } from "../../lib/checks/classical/index";
import { intendedSize } from "../../lib/checks/intended-size";
import { prepareImage } from "../../lib/checks/prepare";
import type { CheckContext, HashRef, PreparedImage } from "../../lib/checks/types";
import { renderPng } from "../../simulator/render";
import { prng } from "../../simulator/hash";

const { values: args } = parseArgs({
  options: { products: { type: "string" }, tier: { type: "string" }, verbose: { type: "boolean" } },
  strict: true,
});
const N = Number(args.products ?? 48);
const tier: "support" | "hero" = args.tier === "support" ? "support" : "hero";
const SIDE = 768;
const verbose = args.verbose ?? false;
if (!(N >= 2)) throw new Error("--products must be at least 2");

const SHAPES = ["bottle", "box", "can", "jar", "mug", "tube"] as const;
const NAMES = [
  "Alder",
  "Birch",
  "Cedar",
  "Dune",
  "Ember",
  "Fjord",
  "Grove",
  "Heath",
  "Iris",
  "Juniper",
  "Kelp",
  "Lark",
];

type Product = { row: number; name: string; shape: (typeof SHAPES)[number]; hue: number; scale: number; seed: number };

function products(n: number): Product[] {
  const rand = prng(20261205);
  return Array.from({ length: n }, (_, i) => ({
    row: i + 2, // CSV line: 1 is the header
    name: `${NAMES[i % NAMES.length]} ${["Oil", "Soap", "Tea", "Balm", "Salt"][Math.floor(i / NAMES.length) % 5]} ${100 + i}`,
    shape: SHAPES[i % SHAPES.length]!,
    hue: Math.floor(rand() * 360),
    scale: 0.8 + rand() * 0.35,
    seed: Math.floor(rand() * 2 ** 31),
  }));
}

/** The product alone on a transparent canvas (what a background removal returns), as SVG. */
function productSvg(p: Product, side: number): string {
  const c = `hsl(${p.hue},55%,42%)`;
  const light = `hsl(${p.hue},60%,62%)`;
  const w = side * 0.26 * p.scale;
  const h = side * 0.5 * p.scale;
  const x = side / 2 - w / 2;
  const y = side * 0.82 - h;
  const body =
    p.shape === "bottle"
      ? `<rect x="${x}" y="${y + h * 0.25}" width="${w}" height="${h * 0.75}" rx="${w * 0.2}" fill="url(#g)"/><rect x="${x + w * 0.35}" y="${y}" width="${w * 0.3}" height="${h * 0.3}" rx="6" fill="${c}"/>`
      : p.shape === "box"
        ? `<rect x="${x - w * 0.2}" y="${y + h * 0.2}" width="${w * 1.4}" height="${h * 0.8}" rx="4" fill="url(#g)"/>`
        : p.shape === "can"
          ? `<rect x="${x}" y="${y + h * 0.3}" width="${w}" height="${h * 0.7}" rx="${w * 0.08}" fill="url(#g)"/><ellipse cx="${side / 2}" cy="${y + h * 0.3}" rx="${w / 2}" ry="${w * 0.12}" fill="${light}"/>`
          : p.shape === "jar"
            ? `<rect x="${x - w * 0.1}" y="${y + h * 0.45}" width="${w * 1.2}" height="${h * 0.55}" rx="${w * 0.25}" fill="url(#g)"/><rect x="${x}" y="${y + h * 0.36}" width="${w}" height="${h * 0.12}" fill="${c}"/>`
            : p.shape === "mug"
              ? `<rect x="${x}" y="${y + h * 0.5}" width="${w}" height="${h * 0.5}" rx="${w * 0.1}" fill="url(#g)"/><circle cx="${x + w}" cy="${y + h * 0.72}" r="${w * 0.2}" fill="none" stroke="${c}" stroke-width="${w * 0.08}"/>`
              : `<path d="M${x} ${y + h} L${x + w * 0.1} ${y + h * 0.1} L${x + w * 0.9} ${y + h * 0.1} L${x + w} ${y + h} Z" fill="url(#g)"/>`;
  const label = `<text x="${side / 2}" y="${side * 0.7}" font-family="sans-serif" font-size="${side * 0.028}" text-anchor="middle" fill="#fff">${p.name}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="${c}"/><stop offset="0.45" stop-color="${light}"/><stop offset="1" stop-color="${c}"/></linearGradient></defs>${body}${label}</svg>`;
}

/** Sensor-like grain (±amp per channel, deterministic) on raw RGB(A) pixels, alpha left alone. */
function grain(data: Buffer, channels: number, seed: number, amp = 7): Buffer {
  const rand = prng(seed);
  for (let i = 0; i < data.length; i += channels)
    for (let k = 0; k < 3; k++)
      data[i + k] = Math.max(0, Math.min(255, data[i + k]! + Math.round((rand() * 2 - 1) * amp)));
  return data;
}

/** The template's studio shot: a light grey sweep with a soft vignette, the product and its shadow. */
async function studioImages(p: Product): Promise<{ generated: Buffer; cutOut: Buffer }> {
  const cut = await sharp(Buffer.from(productSvg(p, SIDE)))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const cutRaw = grain(Buffer.from(cut.data), 4, p.seed);
  const cutOut = await sharp(cutRaw, { raw: { width: SIDE, height: SIDE, channels: 4 } })
    .png()
    .toBuffer();
  const backdrop = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIDE}" height="${SIDE}"><defs><radialGradient id="v" cx="0.5" cy="0.45" r="0.75"><stop offset="0" stop-color="#f1f1ef"/><stop offset="1" stop-color="#b9b9b6"/></radialGradient></defs><rect width="100%" height="100%" fill="url(#v)"/><ellipse cx="${SIDE / 2}" cy="${SIDE * 0.83}" rx="${SIDE * 0.2}" ry="${SIDE * 0.03}" fill="#777" opacity="0.5"/></svg>`;
  const flat = await sharp(Buffer.from(backdrop))
    .composite([{ input: Buffer.from(productSvg(p, SIDE)) }])
    .removeAlpha()
    .raw()
    .toBuffer();
  const generated = await sharp(grain(Buffer.from(flat), 3, p.seed + 1), {
    raw: { width: SIDE, height: SIDE, channels: 3 },
  })
    .png()
    .toBuffer();
  return { generated, cutOut };
}

/** The simulator's picture for the template's prompt; its cut-out keeps the middle 60 % (an ellipse matte). */
async function simulatorImages(p: Product): Promise<{ generated: Buffer; cutOut: Buffer }> {
  const generated = await renderPng({
    prompt: `studio product photo of ${p.name}, white background`,
    seed: 7,
    width: SIDE,
    height: SIDE,
  });
  const matte = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIDE}" height="${SIDE}"><ellipse cx="${SIDE / 2}" cy="${SIDE / 2}" rx="${SIDE * 0.3}" ry="${SIDE * 0.38}" fill="#fff"/></svg>`,
  );
  const cutOut = await sharp(generated)
    .ensureAlpha()
    .composite([{ input: matte, blend: "dest-in" }])
    .png()
    .toBuffer();
  return { generated, cutOut };
}

type Version = {
  product: Product;
  variant: number;
  kind: "generated" | "upscale" | "cut-out";
  image: PreparedImage;
  control?: boolean;
};

/** The pre-change view of an image: alpha flattened onto white and judged like any pixel (a fresh gray object: no shared cache). */
function flattenedView(image: PreparedImage): PreparedImage {
  const { alpha: _alpha, ...rest } = image;
  return { ...rest, gray: { ...image.gray } };
}

async function batchOf(source: "studio" | "simulator", list: Product[]): Promise<Version[]> {
  const versions: Version[] = [];
  for (const p of list) {
    const { generated, cutOut } = source === "studio" ? await studioImages(p) : await simulatorImages(p);
    versions.push({ product: p, variant: 0, kind: "generated", image: await prepareImage(generated) });
    const up = await sharp(generated)
      .resize(SIDE * 2, SIDE * 2, { kernel: "lanczos3" })
      .png({ compressionLevel: 1 })
      .toBuffer();
    versions.push({ product: p, variant: 0, kind: "upscale", image: await prepareImage(up) });
    versions.push({ product: p, variant: 0, kind: "cut-out", image: await prepareImage(cutOut) });
  }
  // Control: for 4 products the row's second variant came back as (nearly) the same picture.
  for (const p of list.slice(0, 4)) {
    const first = versions.find((v) => v.product === p && v.kind === "generated")!;
    const again = await sharp(first.image.bytes).modulate({ brightness: 1.03 }).jpeg({ quality: 88 }).toBuffer();
    versions.push({ product: p, variant: 1, kind: "generated", image: await prepareImage(again), control: true });
  }
  return versions;
}

type Tally = Map<string, number>;
const bump = (t: Tally, k: string) => t.set(k, (t.get(k) ?? 0) + 1);

async function score(versions: Version[]) {
  const before: Tally = new Map();
  const after: Tally = new Map();
  let controlCaughtBefore = 0;
  let controlCaughtAfter = 0;
  const generated = versions.filter((v) => v.kind === "generated");
  const hashes = new Map(
    generated.map((v) => [v, { id: `${v.product.row}/${v.variant}`, hash: imageHash(v.image), label: v.product.name }]),
  );
  for (const v of versions) {
    const earlier = generated.slice(0, generated.indexOf(v) < 0 ? generated.length : generated.indexOf(v));
    const refs = (pick: (o: Version) => boolean): HashRef[] =>
      v.kind === "generated" ? earlier.filter(pick).map((o) => hashes.get(o)!) : [];
    const base = { tier, promptWantsText: false, prompt: "", referenceHashes: [] as HashRef[], thresholds: {} };
    const oldContext: CheckContext = {
      ...base,
      expected: { width: SIDE, height: SIDE },
      batchHashes: refs(() => true),
    };
    const parent = { number: 1, width: SIDE, height: SIDE };
    const intended =
      v.kind === "generated"
        ? intendedSize({
            version: { operation: "generate", width: SIDE, height: SIDE },
            generation: { width: SIDE, height: SIDE },
            parent: null,
            edit: null,
          })
        : intendedSize({
            version: {
              operation: v.kind === "upscale" ? "upscale" : "remove_background",
              width: v.image.width,
              height: v.image.height,
            },
            generation: { width: SIDE, height: SIDE },
            parent,
            edit:
              v.kind === "upscale"
                ? { operation: "upscale", params: { scale: 2 } }
                : { operation: "remove_background", params: {} },
          });
    const newContext: CheckContext = {
      ...base,
      expected: { width: intended.width, height: intended.height },
      expectedFrom: intended.from,
      batchHashes: refs((o) => o.product.row === v.product.row),
    };
    const oldImage = flattenedView(v.image);
    for (const check of classicalChecks) {
      if (check.id === "style") continue; // no approved references in a first batch
      const [o, n] = [await check.run(oldImage, oldContext), await check.run(v.image, newContext)];
      if (v.control && check.id === "duplicate") {
        if (o.verdict === "fail") controlCaughtBefore++;
        if (n.verdict === "fail") controlCaughtAfter++;
        continue;
      }
      if (o.verdict === "fail") bump(before, `${check.id}/${v.kind}`);
      if (n.verdict === "fail") bump(after, `${check.id}/${v.kind}`);
      if (o.verdict !== "pass") bump(before, `${check.id}/${v.kind}/flag`);
      if (n.verdict !== "pass") bump(after, `${check.id}/${v.kind}/flag`);
      if (n.verdict === "fail" && verbose) console.log(`  after: ${v.product.name} ${v.kind} ${check.id}: ${n.detail}`);
    }
  }
  const counts = new Map<string, number>();
  for (const v of versions) bump(counts, v.kind);
  return { before, after, controlCaughtBefore, controlCaughtAfter, counts };
}

async function main() {
  const list = products(N);
  const rows: string[][] = [
    ["source", "check", "version", "images", "rejects before", "after", "flagged before", "after"],
  ];
  let totalBefore = 0;
  let totalAfter = 0;
  let totalFlagBefore = 0;
  let totalFlagAfter = 0;
  let images = 0;
  let control = 0;
  let controlAfter = 0;
  for (const source of ["studio", "simulator"] as const) {
    const versions = await batchOf(source, list);
    const r = await score(versions);
    control += 4;
    controlAfter += r.controlCaughtAfter;
    console.log(
      `${source}: duplicate control (4 same-row near-copies) caught before ${r.controlCaughtBefore}/4, after ${r.controlCaughtAfter}/4`,
    );
    for (const check of classicalChecks.filter((c) => c.id !== "style"))
      for (const kind of ["generated", "upscale", "cut-out"]) {
        const key = `${check.id}/${kind}`;
        const b = r.before.get(key) ?? 0;
        const a = r.after.get(key) ?? 0;
        totalBefore += b;
        totalAfter += a;
        const fb = r.before.get(`${key}/flag`) ?? 0;
        const fa = r.after.get(`${key}/flag`) ?? 0;
        totalFlagBefore += fb;
        totalFlagAfter += fa;
        rows.push([
          source,
          check.id,
          kind,
          String(r.counts.get(kind) ?? 0),
          String(b),
          String(a),
          String(fb),
          String(fa),
        ]);
        images += r.counts.get(kind) ?? 0;
      }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows)
    console.log(row.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  console.log(
    `catalogue_products=${N} tier=${tier} images=${images / (classicalChecks.length - 1)} before_false_rejects=${totalBefore} after_false_rejects=${totalAfter} before_flagged=${totalFlagBefore} after_flagged=${totalFlagAfter} dup_control_recall=${(controlAfter / control).toFixed(2)}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
