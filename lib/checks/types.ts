import type { Tier } from "@/lib/presets";

/** What a check concludes about one image. `fail` rejects, `warn` sends to a human, `pass` lets it through. */
export type Verdict = "pass" | "warn" | "fail";

export type CheckOutcome = {
  /** The measured value (e.g. Laplacian variance, NSFW probability, Hamming distance). */
  score: number;
  verdict: Verdict;
  /** One sentence a designer or reviewer understands: what was measured against what. */
  detail: string;
  /** Stable reason code on `fail` (e.g. "blur", "underexposed", "nsfw", "duplicate"), shown to users and counted by finance. */
  reasonCode?: string;
  /** The threshold the score was compared against, for the check panel. */
  threshold?: number;
};

/**
 * The image decoded once and shared by every check: the encoded bytes plus a full-resolution
 * 8-bit greyscale copy (checks that need colour or another size derive it from `bytes`, cached).
 */
export type PreparedImage = {
  bytes: Buffer;
  width: number;
  height: number;
  format: string;
  hasAlpha: boolean;
  /**
   * Full-resolution alpha plane (0 = transparent), only when some pixel is not fully opaque. `gray` and
   * `rgb` are flattened onto white; the pixel checks use this to judge the opaque part only (a cut-out's
   * transparent area is not a blown-out highlight).
   */
  alpha?: Uint8Array;
  gray: { data: Uint8Array; width: number; height: number };
  /** The same decode in colour (oriented, flattened, sRGB, 3 bytes a pixel), when the image has colour: model checks resize from it instead of decoding again. */
  rgb?: { data: Uint8Array; width: number; height: number };
};

/** A perceptual hash of another image this one is compared with (same batch, or a preset's approved references). */
export type HashRef = { id: string; hash: string; label: string };

export type CheckContext = {
  tier: Tier;
  /**
   * Size this version should have: the preset's for a generated image, the edit's intended output for an
   * edited one (an upscale: the source version's size × its factor; other edits and restores: the source's
   * size). A different size or aspect fails the size check.
   */
  expected: { width: number; height: number };
  /** Who asked for `expected`, for the size check's sentence (e.g. "the 2× upscale of version 1 (512×512)"); default "the preset". */
  expectedFrom?: string;
  /** Did the rendered prompt ask for visible text (e.g. a headline)? Drives the OCR check. */
  promptWantsText: boolean;
  prompt: string;
  /**
   * Near-duplicate candidates: earlier images of the same product lineage in the batch (the same CSV row:
   * its other variants and re-rolls) and earlier approved images of the same product (same template
   * values, or the same identifier column such as `sku`). Other products of the batch are not in it:
   * catalogue rows made from one template look alike by design. And the preset's approved references
   * (style consistency).
   */
  batchHashes: HashRef[];
  referenceHashes: HashRef[];
  /** Threshold overrides from the preset version, keyed `<checkId>.<name>` (e.g. "sharpness.fail"); missing keys use the tier defaults. */
  thresholds: Record<string, number>;
};

export type CheckGroup = "safety" | "quality" | "consistency";

/** A check module: stable id and version (bump the version when the algorithm or its defaults change). */
export type CheckModule = {
  id: string;
  version: number;
  group: CheckGroup;
  /** Human name and what it looks at, for the check panel and the admin thresholds page. */
  label: string;
  description: string;
  /** Threshold names this check reads and their tier defaults; a tier missing here does not run the check. */
  defaults: Partial<Record<Tier, Record<string, number>>>;
  run(image: PreparedImage, context: CheckContext): Promise<CheckOutcome>;
};
