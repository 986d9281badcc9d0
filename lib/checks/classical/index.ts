import type { CheckModule } from "../types";
import { artefactsCheck } from "./artefacts";
import { blankCheck } from "./blank";
import { duplicateCheck } from "./duplicate";
import { exposureCheck } from "./exposure";
import { sharpnessCheck } from "./sharpness";
import { sizeCheck } from "./size";
import { styleCheck } from "./style";

export { artefactsCheck, blankCheck, duplicateCheck, exposureCheck, sharpnessCheck, sizeCheck, styleCheck };
export { hammingDistance, imageHash, perceptualHash } from "./phash";

/** The classical (non-model) checks. None runs on draft (safety only); support and hero run all of them. */
export const classicalChecks: CheckModule[] = [
  blankCheck,
  sizeCheck,
  sharpnessCheck,
  exposureCheck,
  artefactsCheck,
  duplicateCheck,
  styleCheck,
];
