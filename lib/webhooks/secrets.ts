import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { WebhookEndpoint } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { secretsKey } from "@/lib/env";

/** How long a rotated-out secret keeps signing, so receivers can switch without losing deliveries. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** A Standard Webhooks secret: "whsec_" + base64 of 32 random bytes (the spec asks for 24–64). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function sealWebhookSecret(secret: string): string {
  return sealSecret(secret, secretsKey());
}

export function openWebhookSecret(sealed: string): string {
  return openSecret(sealed, secretsKey());
}

/** The secrets a delivery is signed with now: the current one, and the previous one during its overlap. */
export function signingSecrets(
  endpoint: Pick<WebhookEndpoint, "secretSealed" | "previousSecretSealed" | "previousSecretExpiresAt">,
  now = new Date(),
): string[] {
  const secrets = [openWebhookSecret(endpoint.secretSealed)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now)
    secrets.push(openWebhookSecret(endpoint.previousSecretSealed));
  return secrets;
}

/**
 * The `webhook-signature` header: one "v1,<base64 HMAC-SHA256>" per secret, separated by spaces,
 * over "<msg id>.<timestamp>.<body>" (the standardwebhooks package computes each one).
 */
export function signatureHeader(secrets: string[], messageId: string, at: Date, body: string): string {
  return secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(" ");
}
