import { z } from "zod";

export const TAG_NAME_MAX = 40;
const TAG_PATTERN = /^[a-z0-9_-]+$/;

/**
 * The one spelling of a tag: trimmed, lower-cased, runs of spaces as one hyphen. That is what the
 * query grammar matches (`tag:spring-hero`), so "Spring Hero" and "spring-hero" are one tag.
 */
export function normaliseTagName(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, "-");
}

/** A tag name as input: normalised, then 1–40 characters of a–z, 0–9, hyphen and underscore. */
export const tagNameSchema = z
  .string({ error: "A tag is text." })
  .transform(normaliseTagName)
  .pipe(
    z
      .string()
      .min(1, "A tag cannot be empty.")
      .max(TAG_NAME_MAX, `A tag is at most ${TAG_NAME_MAX} characters.`)
      .regex(TAG_PATTERN, "Tags use letters a–z, digits, hyphens and underscores only."),
  );

/** Up to ten tags per request, normalised and without duplicates. */
export const tagListSchema = z
  .array(tagNameSchema)
  .min(1, "Name at least one tag.")
  .max(10, "At most 10 tags at a time.")
  .transform((names) => [...new Set(names)]);
