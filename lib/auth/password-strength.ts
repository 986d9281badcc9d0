import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { AppError } from "@/lib/errors";

/**
 * Length alone lets `password1234` through. zxcvbn estimates how many guesses a password takes
 * against dictionaries of common passwords, words and names, keyboard walks and dates; below
 * score 3 (about 10^8 guesses) it is refused. The dictionaries are several megabytes, so they
 * load on the first password set, never on sign-in or on module import.
 */
export const MIN_PASSWORD_SCORE = 3;

const ADVICE = "Use three or four unrelated words, or a long random password from a password manager.";

let estimator: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })().catch((error: unknown) => {
    estimator = undefined; // let the next call try again
    throw error;
  });
  return estimator;
}

/** The words that make a password guessable here: the product's name and the user's own details. */
function contextWords(userInputs: (string | null | undefined)[]): string[] {
  const words = new Set(["kiln"]);
  for (const input of userInputs) {
    if (!input) continue;
    const value = input.trim().toLowerCase();
    if (!value) continue;
    words.add(value);
    for (const part of value.split(/[@\s.+_-]+/)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

/** Null when the password is strong enough; otherwise a message saying why and what to do. */
export async function passwordWeakness(
  password: string,
  userInputs: (string | null | undefined)[] = [],
): Promise<string | null> {
  const zxcvbn = await loadEstimator();
  // zxcvbn's cost grows with length; past 100 characters only the first 100 are estimated.
  const result = zxcvbn.check(password.slice(0, 100), contextWords(userInputs));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why =
    result.feedback.warning ?? (result.feedback.suggestions[0] || "It follows a pattern that is quick to guess.");
  return `This password is too easy to guess. ${why} ${ADVICE}`;
}

/** Throws invalid_input on the password field for a weak password (call before hashing it). */
export async function assertStrongPassword({
  password,
  userInputs = [],
  field = "password",
}: {
  password: string;
  userInputs?: (string | null | undefined)[];
  field?: string;
}): Promise<void> {
  const weakness = await passwordWeakness(password, userInputs);
  if (weakness) throw new AppError("invalid_input", weakness, { fields: { [field]: [weakness] } });
}
