import type { CheckModule } from "../types";
import { nsfwCheck } from "./nsfw";
import { closeOcr } from "./ocr";
import { closeModelPools } from "./pool";
import { isPromptMatchConfigured, promptMatchCheck } from "./prompt-match";
import { textCheck } from "./text";

export { nsfwCheck } from "./nsfw";
export { textCheck } from "./text";
export { isPromptMatchConfigured, promptMatchCheck, promptMatchStatus, type PromptMatchStatus } from "./prompt-match";

/** The model-based checks, safety first. Prompt match joins only when its local model is configured. */
export const modelChecks: CheckModule[] = [
  nsfwCheck,
  textCheck,
  ...(isPromptMatchConfigured() ? [promptMatchCheck] : []),
];

/** Stops the model threads (the NSFW pool and the Tesseract worker): tests, benches and graceful shutdown. Later checks start them again. */
export async function shutdownModelChecks(): Promise<void> {
  await Promise.all([closeModelPools(), closeOcr()]);
}
