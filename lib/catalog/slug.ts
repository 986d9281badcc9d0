import { z } from "zod";

/** The stable, URL-safe identifier of a catalog item (preset, template); `example` goes in the hint. */
export function slugSchema(example: string) {
  return z
    .string({ error: "Enter a slug." })
    .trim()
    .toLowerCase()
    .min(2, "Slugs are 2 to 60 characters.")
    .max(60, "Slugs are 2 to 60 characters.")
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, `Use lower-case letters, digits and single hyphens (e.g. ${example}).`);
}
