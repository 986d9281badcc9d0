import sharp from "sharp";

/** Image measures the simulator's tests use, the same kind a quality check would compute. */
export type Metrics = { width: number; height: number; mean: number; stdev: number; sharpness: number };

/** Mean and standard deviation of luminance, and the variance of its Laplacian (a blur measure). */
export async function measure(png: Buffer): Promise<Metrics> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  let sum = 0;
  let sq = 0;
  for (const v of data) {
    sum += v;
    sq += v * v;
  }
  const n = data.length;
  const mean = sum / n;
  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      const lap = data[p - 1]! + data[p + 1]! + data[p - width]! + data[p + width]! - 4 * data[p]!;
      lapSum += lap;
      lapSq += lap * lap;
      count++;
    }
  }
  const lapMean = lapSum / count;
  return { width, height, mean, stdev: Math.sqrt(sq / n - mean * mean), sharpness: lapSq / count - lapMean * lapMean };
}
