import type { Plane } from "./derive";

/**
 * Added to both means (grey levels): steps well under ~2 levels are invisible, so on smooth, near-flat
 * content (where the means are tiny and their ratio is noise) the score stays near 1.
 */
const FLOOR = 2;

/** Rows between the starts of two sampled 8-row bands (a global statistic; 1 in 4 rows is plenty). */
const BAND_STRIDE = 32;

/**
 * 8×8 blockiness: for each direction, the mean absolute step between neighbouring pixels is
 * collected per position modulo 8; the score is the strongest phase's mean over the mean of the other
 * seven (1 for an unblocked image, well above 1 where JPEG blocks meet), after adding FLOOR to both
 * means. The phase is searched so a shifted grid (a cropped JPEG) is still found. Result: the mean of
 * the horizontal and vertical ratios. In the spirit of Wang, Sheikh & Bovik, "No-reference perceptual
 * quality assessment of JPEG compressed images" (ICIP 2002), which compares differences across block
 * boundaries with those inside blocks.
 *
 * One pass at full resolution over one band of 8 rows in every BAND_STRIDE (all 8 vertical phases, a
 * quarter of the cost): each band row gives its horizontal steps and the vertical steps to the row below.
 */
export function blockiness(plane: Plane & { data: Uint8Array }, floor = FLOOR): number {
  const { data: d, width: w, height: h } = plane;
  if (w < 16 || h < 16) return 1;
  const hs = new Float64Array(8);
  const vs = new Float64Array(8);
  const vCount = new Float64Array(8);
  const whole = (w - 1) & ~7; // steps x → x+1 for x < whole, 8 at a time
  let rows = 0;
  for (let top = 0; top < h - 1; top += BAND_STRIDE) {
    for (let y = top, last = Math.min(top + 8, h - 1); y < last; y++) {
      // prettier-ignore
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, v = 0;
      let i = y * w;
      for (const end = i + whole; i < end; i += 8) {
        // prettier-ignore
        const p0 = d[i]!, p1 = d[i + 1]!, p2 = d[i + 2]!, p3 = d[i + 3]!, p4 = d[i + 4]!, p5 = d[i + 5]!, p6 = d[i + 6]!, p7 = d[i + 7]!, p8 = d[i + 8]!;
        a0 += p1 > p0 ? p1 - p0 : p0 - p1;
        a1 += p2 > p1 ? p2 - p1 : p1 - p2;
        a2 += p3 > p2 ? p3 - p2 : p2 - p3;
        a3 += p4 > p3 ? p4 - p3 : p3 - p4;
        a4 += p5 > p4 ? p5 - p4 : p4 - p5;
        a5 += p6 > p5 ? p6 - p5 : p5 - p6;
        a6 += p7 > p6 ? p7 - p6 : p6 - p7;
        a7 += p8 > p7 ? p8 - p7 : p7 - p8;
        const j = i + w;
        // prettier-ignore
        const q0 = d[j]!, q1 = d[j + 1]!, q2 = d[j + 2]!, q3 = d[j + 3]!, q4 = d[j + 4]!, q5 = d[j + 5]!, q6 = d[j + 6]!, q7 = d[j + 7]!;
        v +=
          (q0 > p0 ? q0 - p0 : p0 - q0) +
          (q1 > p1 ? q1 - p1 : p1 - q1) +
          (q2 > p2 ? q2 - p2 : p2 - q2) +
          (q3 > p3 ? q3 - p3 : p3 - q3);
        v +=
          (q4 > p4 ? q4 - p4 : p4 - q4) +
          (q5 > p5 ? q5 - p5 : p5 - q5) +
          (q6 > p6 ? q6 - p6 : p6 - q6) +
          (q7 > p7 ? q7 - p7 : p7 - q7);
      }
      const sums = [a0, a1, a2, a3, a4, a5, a6, a7];
      for (let k = 0; k < 8; k++) hs[k]! += sums[k]!;
      vs[y & 7]! += v;
      vCount[y & 7]! += whole;
      rows++;
    }
  }
  const hCount = new Float64Array(8).fill((whole / 8) * rows);
  return (peakRatio(hs, hCount, floor) + peakRatio(vs, vCount, floor)) / 2;
}

function peakRatio(sums: Float64Array, counts: Float64Array, floor: number): number {
  let best = 0;
  for (let k = 0; k < 8; k++) {
    let others = 0;
    let otherCount = 0;
    for (let j = 0; j < 8; j++) {
      if (j === k) continue;
      others += sums[j]!;
      otherCount += counts[j]!;
    }
    const ratio = (sums[k]! / Math.max(1, counts[k]!) + floor) / (others / Math.max(1, otherCount) + floor);
    if (ratio > best) best = ratio;
  }
  return best;
}
