import { loadPhoto } from "../calibration/photos";
import { prepareImage } from "../prepare";
import type { CheckContext, PreparedImage } from "../types";

/** A check context for tests: tier support, the image's own size expected, nothing to compare with. */
export function contextFor(overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    tier: "support",
    expected: { width: 512, height: 512 },
    promptWantsText: false,
    prompt: "a photograph",
    batchHashes: [],
    referenceHashes: [],
    thresholds: {},
    ...overrides,
  };
}

/** One of the shipped calibration photos, prepared. */
export async function preparedPhoto(name: string): Promise<PreparedImage> {
  return prepareImage(await loadPhoto(name));
}
