import { z } from "zod";
import { PROVIDER_KINDS } from "./types";

/**
 * Input shapes of the GPU endpoint admin functions. They accept what a form posts (strings,
 * "on" for a ticked checkbox) as well as typed values, so actions stay thin.
 */
const providerId = z.string().uuid("Unknown GPU endpoint.");

/** Checkbox values: a ticked box posts "on"; an unticked one posts nothing. */
const checkbox = z
  .union([z.boolean(), z.string(), z.null()])
  .optional()
  .transform((v) => v === true || v === "on" || v === "true" || v === "1");

/** Blank form fields mean "not given". */
const blankToUndefined = (v: unknown) =>
  typeof v === "string" && v.trim() === "" ? undefined : v === null ? undefined : v;

const name = z.string().trim().min(1, "Enter a name.").max(120, "Keep the name under 120 characters.");
const baseUrl = z.preprocess(blankToUndefined, z.string().trim().max(2048, "That URL is too long.").optional());
const concurrencyLimit = z.coerce
  .number("Enter a whole number.")
  .int("Enter a whole number.")
  .min(1, "At least 1 call at a time.")
  .max(256, "At most 256 calls at a time.");
const timeoutMs = z.coerce
  .number("Enter a timeout.")
  .int("Enter a whole number of milliseconds.")
  .min(1_000, "The timeout must be at least 1 second.")
  .max(1_800_000, "The timeout must be at most 30 minutes.");
/** The key itself: never logged, never echoed back; a blank one means "keep the stored key". */
const apiKey = z.preprocess(blankToUndefined, z.string().trim().max(4096, "That API key is too long.").optional());

export const createProviderInput = z.object({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/, "Use 3–60 lowercase letters, digits and dashes (e.g. gpu-box-1)."),
  name,
  kind: z.enum(PROVIDER_KINDS, `Kind must be one of ${PROVIDER_KINDS.join(", ")}.`),
  baseUrl,
  apiKey,
  allowPrivate: checkbox,
  concurrencyLimit: z.preprocess(blankToUndefined, concurrencyLimit.default(2)),
  timeoutMs: z.preprocess(blankToUndefined, timeoutMs.default(120_000)),
});
export type CreateProviderInput = z.infer<typeof createProviderInput>;

/** Omitted fields keep their value; kind and slug never change (presets and history point at them). */
export const updateProviderInput = z.object({
  providerId,
  name: name.optional(),
  baseUrl,
  apiKey,
  clearApiKey: checkbox,
  /** Absent keeps the stored flag (an edit form always sends it, ticked or not). */
  allowPrivate: z
    .union([z.boolean(), z.string()])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === true || v === "on" || v === "true" || v === "1")),
  concurrencyLimit: z.preprocess(blankToUndefined, concurrencyLimit.optional()),
  timeoutMs: z.preprocess(blankToUndefined, timeoutMs.optional()),
});
export type UpdateProviderInput = z.infer<typeof updateProviderInput>;

export const setPausedInput = z
  .object({
    providerId,
    paused: z.boolean(),
    reason: z.preprocess(
      blankToUndefined,
      z.string().trim().max(500, "Keep the reason under 500 characters.").optional(),
    ),
  })
  .refine((v) => !v.paused || v.reason, {
    message: "Say why the endpoint is paused; designers see it.",
    path: ["reason"],
  });

export const providerIdInput = z.object({ providerId });

export const moveQueuedInput = z.object({ providerId, presetId: z.string().uuid("Pick a fallback preset.") });
