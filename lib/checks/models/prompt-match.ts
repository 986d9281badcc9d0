import type { CheckModule, CheckOutcome } from "../types";

/** Whether prompt match can run, and why not (shown on the checks page). */
export type PromptMatchStatus = { configured: false; reason: string };

const NOT_CONFIGURED = "No local CLIP model folder configured (KILN_CLIP_MODEL_DIR)";

/**
 * Prompt match (image–text similarity) needs a CLIP model, which Kiln does not ship and never
 * downloads: it runs only when an operator supplies a local model folder. There is no such
 * setting yet, so the check is registered nowhere and the pipeline shows it as not configured.
 */
export function promptMatchStatus(): PromptMatchStatus {
  return { configured: false, reason: NOT_CONFIGURED };
}

export function isPromptMatchConfigured(): boolean {
  return promptMatchStatus().configured;
}

export const promptMatchCheck: CheckModule = {
  id: "prompt_match",
  version: 1,
  group: "quality",
  label: "Prompt match",
  description:
    "CLIP similarity between the image and its prompt (a local model folder is required). Below `fail` rejects, below `warn` goes to a person.",
  defaults: { hero: { fail: 0.18, warn: 0.22 } },
  async run(): Promise<CheckOutcome> {
    throw new Error(`Prompt match is not configured: ${promptMatchStatus().reason}.`);
  },
};
