import type { Verdict } from "../types";
import { blur, contrast, exposure, jpeg, nearDuplicate, solid } from "./degrade";
import { partOf, shippedSources, type Part, type Source } from "./sources";

/** The checks the calibration set carries labels for. */
export const LABELLED_CHECKS = ["sharpness", "exposure", "artefacts", "duplicate", "blank"] as const;
export type LabelledCheck = (typeof LABELLED_CHECKS)[number];

/**
 * What a check should conclude on an item: "fail" (a positive: the check must fail it) or "pass"
 * (a negative: the check must not fail it; a warn, which only asks a human, is allowed). A check
 * with no label on an item is not scored on it (the case is ambiguous, or not what the check is about).
 */
export type Expected = Extract<Verdict, "pass" | "fail">;

export type CalibrationItem = {
  /** `<photo>/<degradation>`, e.g. "astronaut/blur-3". */
  id: string;
  /** The source picture's name ("blank" for the synthetic blanks). */
  photo: string;
  origin: Source["origin"] | "synthetic";
  /** Which side of the calibration / held-out split the item is on (by source: see partOf). */
  part: Part;
  degradation: string;
  bytes: Buffer;
  expected: Partial<Record<LabelledCheck, Expected>>;
  /** The reason code a positive should carry when a check has several (exposure). */
  reason: Partial<Record<LabelledCheck, string>>;
  /** Ids of the items (originals) already in this item's batch, for the duplicate check. */
  batch: string[];
  /** Checks whose label here is a borderline call made for the support tier (a hero reviewer is stricter): not scored on hero. */
  borderline?: LabelledCheck[];
};

type Degradation = {
  name: string;
  make: (source: Buffer) => Promise<Buffer>;
  /** Labels for a sharp source photo. `sharpness: "inherit"` takes the photo's own label (a blurred photo stays blurred). */
  expected: Partial<Record<Exclude<LabelledCheck, "duplicate">, Expected | "inherit">>;
  reason?: Partial<Record<LabelledCheck, string>>;
  /** A near-duplicate of its own original: its batch holds that original, and the duplicate check must fail it. */
  duplicateOfOriginal?: boolean;
  borderline?: LabelledCheck[];
  /** Adds light: on a low-key photo (a night scene) that gives a plausible brighter scene, so no exposure label there. */
  overexposes?: boolean;
};

const ok = { exposure: "pass", artefacts: "pass", blank: "pass" } as const;

/**
 * Every photo goes through every degradation. Blur sigmas are in pixels of the ≤ 640-px photos:
 * 0.6 is invisible at viewing size, ≥ 2 is visibly out of focus. Exposure is ±EV in linear light:
 * −2 and −3 EV sink a photo, ±0.5 EV is an ordinary difference of taste. Contrast is scaled around
 * mid-grey: 0.2 and below is washed out, 0.75 is fine. JPEG quality ≤ 10 is the heavy compression the
 * artefacts check must catch, 75 and 90 are ordinary web qualities it must leave alone.
 *
 * The borderline cases carry the verdict a reviewer would want (issue 20; they were unlabelled):
 * blur σ 1 is soft but usable at viewing size — not a reject (a warn is fine); a contrast cut to 0.3
 * leaves under a third of the tonal range, visibly washed out on every source — a reject; JPEG
 * quality 30 shows faint blocking on flat areas only when zoomed — not a reject. The blur and JPEG
 * calls are the support tier's (usable for a supporting image); on hero they are not scored. A blur carries no exposure label (a heavy
 * blur really does flatten a fine texture), and a strong over-exposure no blank label (it can wipe
 * a photo out to white).
 */
const DEGRADATIONS: Degradation[] = [
  { name: "original", make: async (b) => b, expected: { sharpness: "inherit", ...ok } },
  { name: "blur-0.6", make: (b) => blur(b, 0.6), expected: { sharpness: "inherit", artefacts: "pass", blank: "pass" } },
  {
    name: "blur-1",
    make: (b) => blur(b, 1),
    expected: { sharpness: "inherit", artefacts: "pass", blank: "pass" },
    borderline: ["sharpness"],
  },
  { name: "blur-2", make: (b) => blur(b, 2), expected: { sharpness: "fail", artefacts: "pass", blank: "pass" } },
  { name: "blur-3", make: (b) => blur(b, 3), expected: { sharpness: "fail", artefacts: "pass", blank: "pass" } },
  { name: "blur-5", make: (b) => blur(b, 5), expected: { sharpness: "fail", artefacts: "pass" } },
  { name: "under-0.5ev", make: (b) => exposure(b, -0.5), expected: { ...ok } },
  {
    name: "under-2ev",
    make: (b) => exposure(b, -2),
    expected: { ...ok, exposure: "fail" },
    reason: { exposure: "underexposed" },
  },
  {
    name: "under-3ev",
    make: (b) => exposure(b, -3),
    expected: { ...ok, exposure: "fail" },
    reason: { exposure: "underexposed" },
  },
  { name: "over-0.5ev", make: (b) => exposure(b, 0.5), expected: { ...ok } },
  {
    name: "over-2ev",
    make: (b) => exposure(b, 2),
    expected: { exposure: "fail", artefacts: "pass" },
    reason: { exposure: "overexposed" },
    overexposes: true,
  },
  {
    name: "over-3ev",
    make: (b) => exposure(b, 3),
    expected: { exposure: "fail", artefacts: "pass" },
    reason: { exposure: "overexposed" },
    overexposes: true,
  },
  { name: "contrast-0.75", make: (b) => contrast(b, 0.75), expected: { ...ok } },
  {
    name: "contrast-0.3",
    make: (b) => contrast(b, 0.3),
    expected: { ...ok, exposure: "fail" },
    reason: { exposure: "low_contrast" },
  },
  {
    name: "contrast-0.2",
    make: (b) => contrast(b, 0.2),
    expected: { ...ok, exposure: "fail" },
    reason: { exposure: "low_contrast" },
  },
  {
    name: "contrast-0.15",
    make: (b) => contrast(b, 0.15),
    expected: { ...ok, exposure: "fail" },
    reason: { exposure: "low_contrast" },
  },
  { name: "jpeg-q90", make: (b) => jpeg(b, 90), expected: { sharpness: "inherit", ...ok } },
  { name: "jpeg-q75", make: (b) => jpeg(b, 75), expected: { sharpness: "inherit", ...ok } },
  {
    name: "jpeg-q30",
    make: (b) => jpeg(b, 30),
    expected: { exposure: "pass", blank: "pass", artefacts: "pass" },
    borderline: ["artefacts"],
  },
  { name: "jpeg-q10", make: (b) => jpeg(b, 10), expected: { ...ok, artefacts: "fail" } },
  { name: "jpeg-q5", make: (b) => jpeg(b, 5), expected: { ...ok, artefacts: "fail" } },
  {
    name: "near-dup-crop",
    make: (b) => nearDuplicate(b, { crop: 0.06, brightness: 1.08 }),
    expected: { sharpness: "inherit", ...ok },
    duplicateOfOriginal: true,
  },
  {
    name: "near-dup-jpeg",
    make: (b) => nearDuplicate(b, { crop: 0.04, brightness: 0.93, anchor: "top-left", quality: 85 }),
    expected: { sharpness: "inherit", ...ok },
    duplicateOfOriginal: true,
  },
];

/** Synthetic blanks (the only synthetic items): flat fills and a flat fill with sensor-like noise. */
const BLANKS: { name: string; level: number; noise?: number }[] = [
  { name: "white", level: 255 },
  { name: "black", level: 0 },
  { name: "grey", level: 128 },
  { name: "grey-noise", level: 110, noise: 3 },
];

const originalId = (photo: string) => `${photo}/original`;

/**
 * Builds the labelled set in memory (the shipped photos by default: 234 images, a few seconds;
 * `allSources()` adds simulator renders and other photographs). Deterministic. A near-duplicate's
 * batch holds only originals from its own side of the split.
 */
export async function buildCalibrationSet({ sources = shippedSources() }: { sources?: Source[] } = {}): Promise<
  CalibrationItem[]
> {
  const items: CalibrationItem[] = [];
  for (const photo of sources) {
    const source = await photo.load();
    const part = partOf(photo.name);
    const others = sources
      .filter((p) => p.name !== photo.name && partOf(p.name) === part)
      .map((p) => originalId(p.name));
    const own: Expected = photo.blurred ? "fail" : "pass";
    for (const d of DEGRADATIONS) {
      const expected: CalibrationItem["expected"] = {};
      for (const [check, label] of Object.entries(d.expected) as [LabelledCheck, Expected | "inherit"][])
        expected[check] = label === "inherit" ? own : label;
      // A blurred photo cannot be blurred "into" a failure; it already is one. Keep its blurs as positives.
      if (photo.blurred && d.name.startsWith("blur-")) expected.sharpness = "fail";
      if (photo.lowKey && d.overexposes) delete expected.exposure;
      expected.duplicate = d.duplicateOfOriginal ? "fail" : "pass";
      const batch = d.duplicateOfOriginal ? [originalId(photo.name), ...others] : others;
      items.push({
        id: `${photo.name}/${d.name}`,
        photo: photo.name,
        origin: photo.origin,
        part,
        degradation: d.name,
        bytes: await d.make(source),
        expected,
        reason: { ...d.reason },
        batch,
        ...(d.borderline ? { borderline: d.borderline } : {}),
      });
    }
  }
  for (const b of BLANKS) {
    const bytes = await solid({ width: 512, height: 512, level: b.level, noise: b.noise });
    const part = partOf(`blank/${b.name}`);
    const others = sources.filter((p) => partOf(p.name) === part).map((p) => originalId(p.name));
    items.push({
      id: `blank/${b.name}`,
      photo: "blank",
      origin: "synthetic",
      part,
      degradation: b.name,
      bytes,
      expected: { blank: "fail", duplicate: "pass" },
      reason: {},
      batch: others,
    });
  }
  return items;
}

/** The set as a tier scores it: on hero the support-tier borderline labels are dropped. */
export function forTier(items: CalibrationItem[], tier: string): CalibrationItem[] {
  if (tier !== "hero") return items;
  return items.map((item) => {
    if (!item.borderline) return item;
    const expected = { ...item.expected };
    for (const check of item.borderline) delete expected[check];
    return { ...item, expected };
  });
}

/** The items a check is scored on, split into positives (label "fail") and negatives (label "pass"). */
export function labelledFor(items: CalibrationItem[], check: LabelledCheck) {
  return {
    positives: items.filter((i) => i.expected[check] === "fail"),
    negatives: items.filter((i) => i.expected[check] === "pass"),
  };
}
