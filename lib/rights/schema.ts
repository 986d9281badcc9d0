import { z } from "zod";

/** A channel: one of the offered ones or a short code of the installation's own. */
const channel = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,23}$/, "A channel is a short code: letters, digits, - or _, up to 24 characters.");

/**
 * What PUT /api/assets/:id/rights takes. Every field null/empty clears the rights. The expiry is a
 * date (end of that day, UTC) or an instant; one in the past is refused (rights are set forward).
 */
export const rightsInput = z.object({
  licence: z
    .string()
    .trim()
    .max(200, "The licence is at most 200 characters.")
    .nullish()
    .transform((v) => (v ? v : null)),
  channels: z
    .array(channel)
    .max(20, "At most 20 channels.")
    .nullish()
    .transform((v) => (v && v.length ? [...new Set(v)] : null)),
  expiresAt: z
    .string()
    .trim()
    .nullish()
    .transform((v, c) => {
      if (!v) return null;
      const date = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T23:59:59.999Z`) : new Date(v);
      if (Number.isNaN(date.getTime())) {
        c.addIssue({ code: "custom", message: "The expiry is not a date (use YYYY-MM-DD)." });
        return z.NEVER;
      }
      return date;
    }),
});
export type RightsInput = z.input<typeof rightsInput>;
