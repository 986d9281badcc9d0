import { z } from "zod";
import { SCOPE_NAMES } from "./scopes";

export const API_TOKEN_MAX_DAYS = 366;

/** Creating a token (the console's form, or an admin's for a service account). */
export const createApiTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name (what uses it).").max(80, "The name is at most 80 characters."),
  scopes: z.array(z.enum(SCOPE_NAMES)).min(1, "Choose at least one scope.").max(SCOPE_NAMES.length),
  /** Days until it stops working; null = no expiry (allowed, but the form suggests 90 days). */
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).nullable().default(90),
  /** An admin making a token for a service account; anyone else makes tokens for themselves. */
  forUserId: z.string().uuid().optional(),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenInput>;
