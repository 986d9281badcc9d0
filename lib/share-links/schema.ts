import { z } from "zod";

export const SHARE_EXPIRY_CHOICES = { "1d": 1, "7d": 7, "30d": 30, "90d": 90 } as const;
export type ShareExpiryChoice = keyof typeof SHARE_EXPIRY_CHOICES | "custom";
export const SHARE_MAX_DAYS = 365;
export const SHARE_PASSWORD_MIN = 8;

/** POST /api/share-links. Exactly one of assetId and collectionId; expiry is required (no "never"). */
export const createShareLinkInput = z
  .object({
    assetId: z.string().uuid().optional(),
    collectionId: z.string().uuid().optional(),
    expiry: z.enum(["1d", "7d", "30d", "90d", "custom"]).default("7d"),
    /** With expiry "custom": a date (YYYY-MM-DD, the link ends at the end of that day, UTC) or an instant. */
    expiresOn: z.string().trim().max(40).optional(),
    password: z
      .string()
      .max(200, "The password is at most 200 characters.")
      .optional()
      .transform((v) => (v ? v : undefined))
      .refine(
        (v) => v === undefined || v.length >= SHARE_PASSWORD_MIN,
        `A link password has at least ${SHARE_PASSWORD_MIN} characters.`,
      ),
    allowDownload: z.boolean().default(false),
    label: z.string().trim().max(120, "The label is at most 120 characters.").default(""),
  })
  .refine((v) => !!v.assetId !== !!v.collectionId, {
    message: "Share one asset or one collection.",
    path: ["assetId"],
  });
export type CreateShareLinkInput = z.input<typeof createShareLinkInput>;

/** When a new link ends, or a message saying why the choice is refused. */
export function shareExpiry(choice: ShareExpiryChoice, expiresOn: string | undefined, now = new Date()): Date | string {
  if (choice !== "custom") return new Date(now.getTime() + SHARE_EXPIRY_CHOICES[choice] * 86_400_000);
  if (!expiresOn) return "Pick the date the link ends.";
  const at = /^\d{4}-\d{2}-\d{2}$/.test(expiresOn) ? new Date(`${expiresOn}T23:59:59.999Z`) : new Date(expiresOn);
  if (Number.isNaN(at.getTime())) return "The end date is not a date (use YYYY-MM-DD).";
  if (at.getTime() <= now.getTime()) return "The end date is in the past.";
  if (at.getTime() > now.getTime() + SHARE_MAX_DAYS * 86_400_000) return "A link lasts at most a year.";
  return at;
}

export const listShareLinksInput = z.union([
  z.object({ assetId: z.string().uuid() }),
  z.object({ collectionId: z.string().uuid() }),
  z.object({ mine: z.literal(true) }),
]);
