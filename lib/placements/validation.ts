import { z } from "zod";
import { DELIVERY_FORMATS } from "@/db/schema/delivery";
import { PLACEMENT_CHANNELS } from "./shared";

/** A side of the safe zone may keep at most 45 % clear, and two opposite sides together less than 90 %. */
export const MAX_SAFE_SIDE = 0.45;
export const MAX_SAFE_PAIR = 0.9;

const side = (label: string) =>
  z.coerce
    .number({ message: `Enter the ${label} margin as a fraction (0–0.45).` })
    .min(0, `The ${label} margin cannot be negative.`)
    .max(MAX_SAFE_SIDE, `The ${label} margin is at most 0.45 (45 % of the side).`);

export const safeZoneSchema = z
  .object({ top: side("top"), right: side("right"), bottom: side("bottom"), left: side("left") })
  .superRefine((s, ctx) => {
    if (s.top + s.bottom >= MAX_SAFE_PAIR)
      ctx.addIssue({
        code: "custom",
        path: ["bottom"],
        message: "Top and bottom margins together must leave more than 10 % of the height.",
      });
    if (s.left + s.right >= MAX_SAFE_PAIR)
      ctx.addIssue({
        code: "custom",
        path: ["right"],
        message: "Left and right margins together must leave more than 10 % of the width.",
      });
  });

const dimension = (label: string) =>
  z.coerce
    .number({ message: `Enter the ${label} in pixels.` })
    .int(`The ${label} is a whole number of pixels.`)
    .min(16, `The ${label} is at least 16 pixels.`)
    .max(8192, `The ${label} is at most 8192 pixels.`);

const fields = {
  slug: z
    .string({ message: "Enter a slug." })
    .trim()
    .regex(
      /^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/,
      "Slugs are 3–60 lower-case letters, digits and hyphens (e.g. pinterest-pin), not starting or ending with a hyphen.",
    ),
  name: z
    .string({ message: "Enter a name." })
    .trim()
    .min(2, "Enter a name (at least 2 characters).")
    .max(80, "Names are at most 80 characters."),
  channel: z.enum(PLACEMENT_CHANNELS, { message: "Pick a channel: meta, google, tiktok or custom." }),
  width: dimension("width"),
  height: dimension("height"),
  safeZone: safeZoneSchema,
  defaultFormat: z.enum(DELIVERY_FORMATS, { message: "Pick a format: webp, avif, jpeg or png." }),
  defaultQuality: z.coerce
    .number({ message: "Enter a quality from 1 to 100." })
    .int("The quality is a whole number.")
    .min(1, "The quality is at least 1.")
    .max(100, "The quality is at most 100."),
};

/** Everything an admin sets on a placement: create takes all of it (safe zone, format and quality have defaults), update any part. */
export const createPlacementInput = z.object({
  ...fields,
  safeZone: fields.safeZone.default({ top: 0, right: 0, bottom: 0, left: 0 }),
  defaultFormat: fields.defaultFormat.default("webp"),
  defaultQuality: fields.defaultQuality.default(82),
});
export type PlacementFields = z.infer<typeof createPlacementInput>;
export const updatePlacementInput = z
  .object(fields)
  .partial()
  .extend({ id: z.string().uuid("Unknown placement.") });
export const placementIdInput = z.object({ id: z.string().uuid("Unknown placement.") });
